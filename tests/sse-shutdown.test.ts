// A payment's status stream on a stopping instance: open streams get a short retry hint and are
// closed (the browser reconnects, to another instance), new ones are refused with Retry-After,
// and the open-streams gauge follows.
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { metrics } from '@/lib/metrics';
import { beginShutdown, resetShutdownState } from '@/lib/server/shutdown-state';
import { pendingPayments } from '@/faults/fixtures';
import { startHarness, useAsAppDatabase, type Harness } from './harness';

let h: Harness;
vi.mock('@/lib/auth/session', () => ({ currentViewer: async () => ({ ...h.holder, name: 'Wanjiku', email: 'holder' }) }));
const { GET: events } = await import('@/app/api/v1/payments/[id]/events/route');

beforeAll(async () => {
  h = await startHarness();
  useAsAppDatabase(h);
  resetShutdownState();
});
afterAll(async () => {
  resetShutdownState();
  await h?.close();
});

const open = async () => (await metrics.sseOpen.get()).values[0]?.value ?? 0;

test('shutdown closes open streams with a retry hint and refuses new ones', async () => {
  const [p] = await pendingPayments(h.db, 1, 'card');
  const req = () => new Request(`http://localhost/api/v1/payments/${p.id}/events`);
  const res = await events(req(), { params: Promise.resolve({ id: p.id }) });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('event: status')) text += decoder.decode((await reader.read()).value);
  expect(text).toContain('retry: 3000');
  expect(text).toContain('"status":"pending"');
  expect(await open()).toBe(1);

  beginShutdown();
  let rest = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += decoder.decode(value);
  }
  expect(rest).toBe('retry: 1000\n\n'); // then the stream ended
  expect(await open()).toBe(0);

  const refused = await events(req(), { params: Promise.resolve({ id: p.id }) });
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('1');
});
