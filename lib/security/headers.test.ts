import { describe, expect, test } from 'vitest';
import { contentSecurityPolicy, headerSettings, staticSecurityHeaders } from './headers';

const env = (vars: Record<string, string>) => ({ NODE_ENV: 'production', ...vars }) as NodeJS.ProcessEnv;
const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));

describe('security headers', () => {
  test('sandbox: form-action allows our own origin (the hosted checkout is ours); no HSTS over http', () => {
    const s = headerSettings(env({ APP_URL: 'http://localhost:3113' }));
    const csp = directives(contentSecurityPolicy('abc123', s));
    expect(csp.get('form-action')).toEqual(["'self'", 'http://localhost:3113']);
    expect(csp.get('script-src')).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.has('upgrade-insecure-requests')).toBe(false);
    expect(staticSecurityHeaders(s)['Strict-Transport-Security']).toBeUndefined();
  });

  test('real Paystack over https: checkout.paystack.com in form-action, HSTS, upgrade-insecure-requests', () => {
    const s = headerSettings(env({ APP_URL: 'https://pay.example.co.ke', PAYSTACK_SECRET_KEY: 'sk_live_abc', AUTH_SECRET: 'x' }));
    const csp = directives(contentSecurityPolicy('n', s));
    expect(csp.get('form-action')).toEqual(["'self'", 'https://checkout.paystack.com']);
    expect(csp.has('upgrade-insecure-requests')).toBe(true);
    expect(staticSecurityHeaders(s)['Strict-Transport-Security']).toBe('max-age=63072000; includeSubDomains');
    // A configured checkout origin (e.g. a staging emulator) is used as given, reduced to its origin.
    const staging = headerSettings(env({ APP_URL: 'https://x.test', PAYSTACK_SECRET_KEY: 'sk_test_a', PAYSTACK_CHECKOUT_ORIGIN: 'https://checkout.staging.test/pay', AUTH_SECRET: 'x' }));
    expect(directives(contentSecurityPolicy('n', staging)).get('form-action')).toEqual(["'self'", 'https://checkout.staging.test']);
  });

  test("only `next dev` gets 'unsafe-eval'; never 'unsafe-inline' for scripts", () => {
    const dev = directives(contentSecurityPolicy('n', headerSettings({ NODE_ENV: 'development' } as NodeJS.ProcessEnv)));
    expect(dev.get('script-src')).toContain("'unsafe-eval'");
    const prod = directives(contentSecurityPolicy('n', headerSettings(env({}))));
    expect(prod.get('script-src')!.filter((v) => v.startsWith("'unsafe"))).toEqual([]);
  });
});
