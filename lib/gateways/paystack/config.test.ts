import { describe, expect, it } from 'vitest';

import { signPaystackBody } from './signature';
import { paystackBaseUrl, paystackConfigFromEnv } from './config';

const ORIGIN = 'http://localhost:3000';
const asEnv = (vars: Record<string, string | undefined>): NodeJS.ProcessEnv => ({ NODE_ENV: 'test', ...vars });

describe('paystackConfigFromEnv: sandbox', () => {
  const env = asEnv({ AUTH_SECRET: 'config-test-secret' });

  it('points at the built-in emulator with a derived sk_test_ key when PAYSTACK_SECRET_KEY is unset', () => {
    const config = paystackConfigFromEnv(env, ORIGIN);
    expect(config.sandbox).toBe(true);
    expect(config.apiUrl).toBe('http://localhost:3000/api/sandbox/paystack');
    expect(config.secretKey).toMatch(/^sk_test_[A-Za-z0-9]{40}$/);
    expect(config.publicKey).toMatch(/^pk_test_[A-Za-z0-9]{40}$/);
  });

  it('derives the same key on every instance from the same server secret, another from another', () => {
    const a = paystackConfigFromEnv(env, ORIGIN);
    const b = paystackConfigFromEnv(asEnv({ AUTH_SECRET: 'config-test-secret', PAYSTACK_SECRET_KEY: '' }), 'http://10.0.0.2:3000/');
    expect(b.secretKey).toBe(a.secretKey);
    expect(signPaystackBody('{}', b.secretKey)).toBe(signPaystackBody('{}', a.secretKey));
    expect(paystackConfigFromEnv(asEnv({ AUTH_SECRET: 'another' }), ORIGIN).secretKey).not.toBe(a.secretKey);
  });

  it('uses only the origin of the app URL', () => {
    expect(paystackConfigFromEnv(env, 'https://malipo.example/some/path/').apiUrl).toBe(
      'https://malipo.example/api/sandbox/paystack',
    );
  });
});

describe('paystackConfigFromEnv: real keys', () => {
  const live = { PAYSTACK_SECRET_KEY: 'sk_live_abc123', PAYSTACK_PUBLIC_KEY: 'pk_live_def456' };

  it('reads the keys and defaults the API URL to https://api.paystack.co', () => {
    expect(paystackConfigFromEnv(asEnv(live), ORIGIN)).toEqual({
      secretKey: 'sk_live_abc123',
      publicKey: 'pk_live_def456',
      apiUrl: 'https://api.paystack.co',
      sandbox: false,
    });
  });

  it('accepts any http(s) origin with an optional path, without trailing slashes', () => {
    const url = (PAYSTACK_API_URL: string) => paystackConfigFromEnv(asEnv({ ...live, PAYSTACK_API_URL }), ORIGIN).apiUrl;
    expect(url('http://127.0.0.1:4010')).toBe('http://127.0.0.1:4010');
    expect(url('http://127.0.0.1:4010/')).toBe('http://127.0.0.1:4010');
    expect(url('https://mock.example/paystack/v1/')).toBe('https://mock.example/paystack/v1');
    expect(url('  ')).toBe('https://api.paystack.co');
  });

  it('allows the public key to be absent (hosted checkout does not need it)', () => {
    expect(paystackConfigFromEnv(asEnv({ PAYSTACK_SECRET_KEY: 'sk_test_abc' }), ORIGIN).publicKey).toBeNull();
  });

  it('names the variable in errors and never prints values', () => {
    const attempt = (vars: Record<string, string>) => () => paystackConfigFromEnv(asEnv(vars), ORIGIN);
    expect(attempt({ PAYSTACK_SECRET_KEY: 'pk_live_oops' })).toThrow(/PAYSTACK_SECRET_KEY must look like/);
    expect(attempt({ PAYSTACK_SECRET_KEY: 'pk_live_oops' })).not.toThrow(/pk_live_oops/);
    expect(attempt({ ...live, PAYSTACK_API_URL: 'ftp://x' })).toThrow(/PAYSTACK_API_URL/);
    expect(attempt({ ...live, PAYSTACK_API_URL: 'https://x.example/?a=1' })).toThrow(/PAYSTACK_API_URL/);
    expect(attempt({ ...live, PAYSTACK_PUBLIC_KEY: 'sk_live_secret999' })).toThrow(/PAYSTACK_PUBLIC_KEY/);
    expect(attempt({ ...live, PAYSTACK_PUBLIC_KEY: 'sk_live_secret999' })).not.toThrow(/secret999/);
    expect(attempt({ ...live, PAYSTACK_PUBLIC_KEY: 'pk_test_abc' })).toThrow(/both be test keys or both be live keys/);
  });
});

describe('paystackBaseUrl', () => {
  it('refuses non-http URLs, credentials, queries and fragments', () => {
    expect(paystackBaseUrl('https://api.paystack.co')).toBe('https://api.paystack.co');
    expect(paystackBaseUrl('not a url')).toBeNull();
    expect(paystackBaseUrl('https://user:pw@x.example')).toBeNull();
    expect(paystackBaseUrl('https://x.example#a')).toBeNull();
  });
});
