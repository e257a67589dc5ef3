import { describe, expect, it } from 'vitest';

import { signPaystackBody, verifyPaystackSignature } from './signature';

// Known-answer vector from fixtures/paystack/sources.md and docs/paystack.md §10.
const KEY = 'sk_test_0000000000000000000000000000000000000000';
const BODY = '{"event":"charge.success","data":{"id":1,"reference":"order_42","amount":250000,"currency":"KES","status":"success"}}';
const SIGNATURE =
  'b2b10c2ecda77c56cf8f606d2da121cba704feacd31972c49910f8d7eec3efadca745f7cdd17981d7a9b5393fdf6075e4cadd31f84da4b83c8c0728c9b3583ed';

describe('signPaystackBody', () => {
  it('matches the known-answer vector: lowercase hex HMAC-SHA512 of the raw body', () => {
    expect(signPaystackBody(BODY, KEY)).toBe(SIGNATURE);
  });

  it('signs bytes, not meaning: re-formatted JSON gets another signature', () => {
    const pretty = JSON.stringify(JSON.parse(BODY), null, 2);
    expect(signPaystackBody(pretty, KEY)).not.toBe(SIGNATURE);
  });
});

describe('verifyPaystackSignature', () => {
  it('accepts the genuine signature', () => {
    expect(verifyPaystackSignature(BODY, SIGNATURE, KEY)).toBe(true);
  });

  it('rejects a tampered body', () => {
    expect(verifyPaystackSignature(BODY.replace('250000', '250001'), SIGNATURE, KEY)).toBe(false);
    expect(verifyPaystackSignature(`${BODY}\n`, SIGNATURE, KEY)).toBe(false);
  });

  it('rejects a signature made with another key (e.g. the live key, or another integration)', () => {
    expect(verifyPaystackSignature(BODY, SIGNATURE, 'sk_live_0000000000000000000000000000000000000000')).toBe(false);
    expect(verifyPaystackSignature(BODY, signPaystackBody(BODY, 'sk_test_other'), KEY)).toBe(false);
  });

  it('returns false, without throwing, for a missing or malformed header', () => {
    expect(verifyPaystackSignature(BODY, null, KEY)).toBe(false);
    expect(verifyPaystackSignature(BODY, '', KEY)).toBe(false);
    expect(verifyPaystackSignature(BODY, SIGNATURE.slice(0, 127), KEY)).toBe(false); // different length
    expect(verifyPaystackSignature(BODY, `${SIGNATURE}00`, KEY)).toBe(false);
    expect(verifyPaystackSignature(BODY, 'z'.repeat(128), KEY)).toBe(false); // non-hex, right length
    expect(verifyPaystackSignature(BODY, `sha512=${SIGNATURE}`, KEY)).toBe(false); // no prefix exists (docs/paystack.md §10)
    // A sha256 HMAC is 64 hex characters: wrong algorithm, wrong length.
    expect(verifyPaystackSignature(BODY, SIGNATURE.slice(0, 64), KEY)).toBe(false);
  });

  it('returns false with an empty key rather than accepting anything', () => {
    expect(verifyPaystackSignature(BODY, signPaystackBody(BODY, ''), '')).toBe(false);
  });

  it('tolerates surrounding whitespace and upper-case hex in the header', () => {
    expect(verifyPaystackSignature(BODY, ` ${SIGNATURE.toUpperCase()} `, KEY)).toBe(true);
  });
});
