import { describe, expect, it } from 'vitest';

import {
  SANDBOX_PASSKEY,
  callbackUrlProblem,
  callbackUrlShapeProblem,
  darajaConfigFromEnv,
  forbiddenCallbackWord,
} from './config';

const ORIGIN = 'http://localhost:3000';

/** Next.js types NODE_ENV as required on ProcessEnv; the function does not read it. */
const asEnv = (vars: Record<string, string | undefined>): NodeJS.ProcessEnv => ({ NODE_ENV: 'test', ...vars });

const PRODUCTION_ENV = {
  MPESA_CONSUMER_KEY: 'live-key',
  MPESA_CONSUMER_SECRET: 'live-secret',
  MPESA_SHORTCODE: '4123456',
  MPESA_PASSKEY: 'live-passkey-from-email',
  MPESA_CALLBACK_URL: 'https://pay.malipo.co.ke/api/daraja/stk',
};

const withEnv = (overrides: Record<string, string | undefined>): NodeJS.ProcessEnv =>
  asEnv({ ...PRODUCTION_ENV, ...overrides });

describe('darajaConfigFromEnv: sandbox', () => {
  it('uses the built-in emulator and Safaricom’s public sandbox values when MPESA_CONSUMER_KEY is unset', () => {
    expect(darajaConfigFromEnv(asEnv({}), ORIGIN)).toEqual({
      sandbox: true,
      config: {
        apiUrl: 'http://localhost:3000/api/sandbox/daraja',
        consumerKey: 'sandbox-key',
        consumerSecret: 'sandbox-secret',
        shortcode: '174379',
        passkey: 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919',
        transactionType: 'CustomerPayBillOnline',
        partyB: '174379',
        callbackUrl: 'http://localhost:3000/api/v1/payments/stk/callback',
      },
    });
    expect(SANDBOX_PASSKEY).toBe('bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919');
  });

  it('treats an empty MPESA_CONSUMER_KEY (KEY= in a .env file) as unset', () => {
    expect(darajaConfigFromEnv(asEnv({ MPESA_CONSUMER_KEY: '' }), ORIGIN).sandbox).toBe(true);
  });

  it('strips a trailing slash from the sandbox origin', () => {
    const { config } = darajaConfigFromEnv(asEnv({}), 'https://malipo.example.org/');
    expect(config.apiUrl).toBe('https://malipo.example.org/api/sandbox/daraja');
    expect(config.callbackUrl).toBe('https://malipo.example.org/api/v1/payments/stk/callback');
  });

  it('refuses a sandbox origin that is not an http(s) URL', () => {
    expect(() => darajaConfigFromEnv(asEnv({}), 'localhost:3000')).toThrow(/sandbox origin/);
  });
});

describe('darajaConfigFromEnv: real credentials', () => {
  it('reads a paybill configuration with the production API by default', () => {
    expect(darajaConfigFromEnv(withEnv({}), ORIGIN)).toEqual({
      sandbox: false,
      config: {
        apiUrl: 'https://api.safaricom.co.ke',
        consumerKey: 'live-key',
        consumerSecret: 'live-secret',
        shortcode: '4123456',
        passkey: 'live-passkey-from-email',
        transactionType: 'CustomerPayBillOnline',
        partyB: '4123456',
        callbackUrl: 'https://pay.malipo.co.ke/api/daraja/stk',
      },
    });
  });

  it('reads a till: BusinessShortCode is the store number, PartyB the till (§3.2)', () => {
    const { config } = darajaConfigFromEnv(
      withEnv({ MPESA_TRANSACTION_TYPE: 'till', MPESA_TILL_NUMBER: '5123456' }),
      ORIGIN,
    );
    expect(config).toMatchObject({
      shortcode: '4123456',
      partyB: '5123456',
      transactionType: 'CustomerBuyGoodsOnline',
    });
  });

  it('accepts the transaction type in any case', () => {
    const { config } = darajaConfigFromEnv(withEnv({ MPESA_TRANSACTION_TYPE: ' Paybill ' }), ORIGIN);
    expect(config.transactionType).toBe('CustomerPayBillOnline');
  });

  it.each([
    ['https://sandbox.safaricom.co.ke', 'https://sandbox.safaricom.co.ke'],
    ['https://sandbox.safaricom.co.ke/', 'https://sandbox.safaricom.co.ke'],
    ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
    ['http://localhost:3000/api/sandbox/daraja/', 'http://localhost:3000/api/sandbox/daraja'],
    ['https://proxy.internal/daraja//', 'https://proxy.internal/daraja'],
  ])('accepts MPESA_API_URL %s as %s', (value, apiUrl) => {
    expect(darajaConfigFromEnv(withEnv({ MPESA_API_URL: value }), ORIGIN).config.apiUrl).toBe(apiUrl);
  });

  it.each([
    ['MPESA_CONSUMER_SECRET', { MPESA_CONSUMER_SECRET: undefined }, /MPESA_CONSUMER_SECRET is required/],
    ['MPESA_SHORTCODE', { MPESA_SHORTCODE: undefined }, /MPESA_SHORTCODE is required/],
    ['MPESA_SHORTCODE', { MPESA_SHORTCODE: '12ab' }, /MPESA_SHORTCODE must be a 5–7 digit shortcode/],
    ['MPESA_PASSKEY', { MPESA_PASSKEY: '' }, /MPESA_PASSKEY is required/],
    ['MPESA_PASSKEY', { MPESA_PASSKEY: 'two words' }, /MPESA_PASSKEY must not contain spaces/],
    ['MPESA_CALLBACK_URL', { MPESA_CALLBACK_URL: undefined }, /MPESA_CALLBACK_URL is required/],
    ['MPESA_CALLBACK_URL', { MPESA_CALLBACK_URL: 'https://<your-domain>/cb' }, /MPESA_CALLBACK_URL still contains a template placeholder/],
    ['MPESA_CALLBACK_URL', { MPESA_CALLBACK_URL: 'https://pay.malipo.co.ke/ cb' }, /MPESA_CALLBACK_URL must not contain spaces/],
    ['MPESA_CALLBACK_URL', { MPESA_CALLBACK_URL: 'http://pay.malipo.co.ke/cb' }, /MPESA_CALLBACK_URL must use https/],
    ['MPESA_API_URL', { MPESA_API_URL: 'ftp://api.safaricom.co.ke' }, /MPESA_API_URL must be an http\(s\) URL/],
    ['MPESA_API_URL', { MPESA_API_URL: 'api.safaricom.co.ke' }, /MPESA_API_URL must be an http\(s\) URL/],
    ['MPESA_API_URL', { MPESA_API_URL: 'https://api.safaricom.co.ke?x=1' }, /MPESA_API_URL must be an http\(s\) URL/],
    ['MPESA_TRANSACTION_TYPE', { MPESA_TRANSACTION_TYPE: 'buygoods' }, /MPESA_TRANSACTION_TYPE must be "paybill" or "till"/],
    ['MPESA_TILL_NUMBER', { MPESA_TRANSACTION_TYPE: 'till' }, /MPESA_TILL_NUMBER is required when MPESA_TRANSACTION_TYPE is "till"/],
    ['MPESA_TILL_NUMBER', { MPESA_TRANSACTION_TYPE: 'till', MPESA_TILL_NUMBER: '12' }, /MPESA_TILL_NUMBER must be a 5–7 digit till number/],
  ])('throws a clear error naming %s', (_name, overrides, message) => {
    expect(() => darajaConfigFromEnv(withEnv(overrides), ORIGIN)).toThrow(message);
  });

  it('reports every missing variable at once, and never echoes secret values', () => {
    let thrown: unknown;
    try {
      darajaConfigFromEnv(asEnv({ MPESA_CONSUMER_KEY: 'live-key', MPESA_PASSKEY: 'two words secret' }), ORIGIN);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    const message = (thrown as Error).message;
    expect(message).toMatch(/^Invalid M-Pesa configuration: /);
    expect(message).toContain('MPESA_CONSUMER_SECRET is required');
    expect(message).toContain('MPESA_SHORTCODE is required');
    expect(message).toContain('MPESA_CALLBACK_URL is required');
    expect(message).not.toContain('secret');
    expect(message).not.toContain('live-key');
  });

  it.each([
    'https://pay.malipo.co.ke/mpesa/callback',
    'https://pay.malipo.co.ke/M-PESA/callback',
    'https://pay.malipo.co.ke/M-Pesa/callback',
    'https://safaricom-callbacks.malipo.co.ke/cb',
    'https://pay.malipo.co.ke/cb.exe',
    'https://pay.malipo.co.ke/exec/cb',
    'https://pay.malipo.co.ke/CMD/cb',
    'https://pay.malipo.co.ke/sql/cb',
    'https://pay.malipo.co.ke/cb?Query=1',
  ])('throws when the callback URL contains a word Daraja rejects: %s', (url) => {
    expect(() => darajaConfigFromEnv(withEnv({ MPESA_CALLBACK_URL: url }), ORIGIN)).toThrow(
      /MPESA_CALLBACK_URL contains ".+", a word Daraja rejects/,
    );
  });
});

describe('callback URL checks (§3.4)', () => {
  it('passes a clean per-payment URL with a hex secret', () => {
    const url = 'https://pay.malipo.co.ke/api/daraja/stk/1b4e28ba-2fa1-11d2-883f-0016d3cca427/9f86d081884c7d659a2feaa0c55ad015';
    expect(callbackUrlProblem(url)).toBeNull();
    expect(callbackUrlShapeProblem(url)).toBeNull();
  });

  it('separates shape problems from forbidden words', () => {
    expect(callbackUrlShapeProblem('https://x.example/mpesa')).toBeNull();
    expect(forbiddenCallbackWord('https://x.example/MPesa')).toBe('mpesa');
    expect(callbackUrlShapeProblem('/relative/path')).toBe('must be an absolute http(s) URL');
    expect(callbackUrlShapeProblem('mailto:someone@example.com')).toBe('must be an absolute http(s) URL');
  });
});
