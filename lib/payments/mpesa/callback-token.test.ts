import { describe, expect, test } from 'vitest';
import { callbackToken, stkCallbackUrl, verifyCallbackToken } from './callback-token';

const secret = 'test-secret';
const id = '5b0f7c1e-8a43-4a8e-9f3e-1f2d3c4b5a69';

describe('per-payment callback token', () => {
  test('verifies its own token and nothing else', () => {
    const token = callbackToken(id, secret);
    expect(token).toMatch(/^[0-9a-f]{40}$/);
    expect(verifyCallbackToken(id, token, secret)).toBe(true);
    expect(verifyCallbackToken(id, token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a'), secret)).toBe(false);
    expect(verifyCallbackToken(id, token, 'other-secret')).toBe(false);
    expect(verifyCallbackToken('6b0f7c1e-8a43-4a8e-9f3e-1f2d3c4b5a69', token, secret)).toBe(false);
    expect(verifyCallbackToken(id, token.slice(1), secret)).toBe(false); // different length
    expect(verifyCallbackToken(id, '', secret)).toBe(false);
  });

  test('URL is the base plus id and token, free of words Daraja refuses', () => {
    const url = stkCallbackUrl('https://pay.example.co.ke/api/v1/payments/stk/callback/', id, secret);
    expect(url).toBe(`https://pay.example.co.ke/api/v1/payments/stk/callback/${id}/${callbackToken(id, secret)}`);
    expect(url).not.toMatch(/m-?pesa|safaricom|exe|cmd|sql|query/i);
  });
});
