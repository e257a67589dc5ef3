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

test('sandbox Paystack routes are 404 when a real secret key is configured', async () => {
  const { GET, POST } = await import('@/app/api/sandbox/paystack/[...path]/route');
  const saved = process.env.PAYSTACK_SECRET_KEY;
  process.env.PAYSTACK_SECRET_KEY = 'sk_live_not_a_real_key';
  try {
    const ctx = (path: string[]) => ({ params: Promise.resolve({ path }) });
    const verify = await GET(new Request('http://localhost/api/sandbox/paystack/transaction/verify/x'), ctx(['transaction', 'verify', 'x']));
    expect(verify.status).toBe(404);
    const init = await POST(new Request('http://localhost/api/sandbox/paystack/transaction/initialize', { method: 'POST', body: '{}' }), ctx(['transaction', 'initialize']));
    expect(init.status).toBe(404);
  } finally {
    if (saved === undefined) delete process.env.PAYSTACK_SECRET_KEY;
    else process.env.PAYSTACK_SECRET_KEY = saved;
  }
});
