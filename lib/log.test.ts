import { expect, test } from 'vitest';
import { createLogger, scrub } from './log';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ write: (s: string) => void lines.push(JSON.parse(s)) });
  logger.level = 'debug';
  return { logger, lines, text: () => JSON.stringify(lines) };
}

test('sensitive keys are censored at any of the first three levels', () => {
  const { logger, lines, text } = capture();
  logger.info({ phone: '254712345678', payer: { email: 'wanjiku@example.com', msisdn: '0712345678' }, a: { b: { password: 'malipo-demo', token: 't0k3n' } }, paymentId: 'p-1' }, 'paid');
  expect(lines[0]).toMatchObject({ phone: '[Redacted]', payer: { email: '[Redacted]', msisdn: '[Redacted]' }, a: { b: { password: '[Redacted]', token: '[Redacted]' } }, paymentId: 'p-1', msg: 'paid' });
  expect(text()).not.toMatch(/712345678|wanjiku|malipo-demo|t0k3n/);
});

test('errors keep type, code and a scrubbed message; their extra properties (SQL params) are dropped', () => {
  const { logger, lines, text } = capture();
  const err = Object.assign(new Error('Failed query: insert into payments values ($1)\nparams: 0712345678,wanjiku@example.com'), {
    code: '23505',
    params: ['0712345678', 'wanjiku@example.com'],
  });
  logger.error({ err }, 'failed');
  expect(lines[0].err).toMatchObject({ type: 'Error', code: '23505' });
  expect(text()).not.toMatch(/712345678|wanjiku/);
  expect(text()).toContain('[phone]');
});

test('scrub masks phones in every form, emails, card numbers and bearer tokens, and leaves ids alone', () => {
  expect(scrub('from 0712345678, 712345678, 254712345678 and +254712345678')).toBe('from [phone], [phone], [phone] and [phone]');
  expect(scrub('to Wanjiku@Example.com')).toBe('to [email]');
  expect(scrub('card 4084 0840 8408 4081 / 4084084084084081')).toBe('card [number] / [number]');
  expect(scrub('Authorization: Bearer abc.def-123')).toBe('Authorization: Bearer [Redacted]');
  const id = '6c098132-c63b-483c-b7c1-fd6472f4a396';
  expect(scrub(`payment ${id} took 1733072345 ms`)).toBe(`payment ${id} took 1733072345 ms`);
});

test('integration API keys and webhook signing secrets are masked in free text', () => {
  const out = scrub('created mlp_key_WE4vDU4IsytPR0FAhn_wppGF1dwfDmQ8SqzqCVih78 and whsec_9xQ-abcdefghijklmnop for the core system');
  expect(out).toBe('created mlp_key_[Redacted] and whsec_[Redacted] for the core system');
});
