// With real Daraja credentials the sandbox must not exist: its API answers 404 and never touches
// the database.
import { afterEach, expect, test } from 'vitest';
import { GET, POST } from '@/app/api/sandbox/daraja/[...path]/route';

const saved = process.env.MPESA_CONSUMER_KEY;
afterEach(() => {
  if (saved === undefined) delete process.env.MPESA_CONSUMER_KEY;
  else process.env.MPESA_CONSUMER_KEY = saved;
});

test('sandbox Daraja routes are 404 when real credentials are configured', async () => {
  process.env.MPESA_CONSUMER_KEY = 'real-consumer-key';
  const ctx = (path: string[]) => ({ params: Promise.resolve({ path }) });
  const oauth = await GET(new Request('http://localhost/api/sandbox/daraja/oauth/v1/generate?grant_type=client_credentials'), ctx(['oauth', 'v1', 'generate']));
  expect(oauth.status).toBe(404);
  const push = await POST(
    new Request('http://localhost/api/sandbox/daraja/mpesa/stkpush/v1/processrequest', { method: 'POST', body: '{}' }),
    ctx(['mpesa', 'stkpush', 'v1', 'processrequest']),
  );
  expect(push.status).toBe(404);
});
