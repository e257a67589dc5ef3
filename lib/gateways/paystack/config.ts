/**
 * Paystack configuration from the environment.
 *
 * Without PAYSTACK_SECRET_KEY we run against Malipo's built-in emulator
 * (app/api/sandbox/paystack). Its secret key is derived from serverSecret(), so every app instance
 * computes the same key: the emulator accepts it as `Authorization: Bearer …` and the app's webhook
 * route checks the emulator's `x-paystack-signature` with it (docs/paystack.md §1, §10).
 *
 * With PAYSTACK_SECRET_KEY, every variable is validated up front and errors name the variable,
 * never its value (the secret key also signs webhooks).
 */
import crypto from 'node:crypto';
import { z } from 'zod';

import { serverSecret } from '@/lib/env';

export type PaystackConfig = {
  /** `sk_test_…` or `sk_live_…`. Never send to the browser, never log. */
  secretKey: string;
  /** `pk_test_…`/`pk_live_…`, for browser SDKs only; null when not configured. */
  publicKey: string | null;
  /** Base URL without a trailing slash, e.g. https://api.paystack.co or http://host/api/sandbox/paystack. */
  apiUrl: string;
  /** True when talking to the built-in emulator. */
  sandbox: boolean;
};

export const PAYSTACK_API_URL = 'https://api.paystack.co';
export const PAYSTACK_SANDBOX_PATH = '/api/sandbox/paystack';

/** Treat `KEY=` in a .env file the same as an unset variable. */
const blankAsUnset = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** An http(s) URL (origin plus optional path) without query or fragment, trailing slashes removed. */
export function paystackBaseUrl(value: string): string | null {
  const trimmed = value.trim();
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  if (parsed.username || parsed.password) return null;
  if (parsed.search !== '' || parsed.hash !== '' || trimmed.includes('?') || trimmed.includes('#')) return null;
  const path = parsed.pathname.replace(/\/+$/, '');
  return `${parsed.origin}${path}`;
}

/** 40 base62 characters from an HMAC of the server secret: stable across instances and restarts. */
function derivedKeyBody(purpose: string, env: NodeJS.ProcessEnv): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const digest = crypto.createHmac('sha512', serverSecret(env)).update(`malipo-paystack-sandbox:${purpose}`).digest();
  let out = '';
  for (let i = 0; out.length < 40; i++) out += alphabet[digest[i]! % 62];
  return out;
}

/** Key mode from its prefix, e.g. `sk_test_` → test. */
const keyMode = (key: string) => (/^[sp]k_live_/.test(key) ? 'live' : 'test');

const productionEnvSchema = z
  .object({
    PAYSTACK_SECRET_KEY: z.preprocess(
      blankAsUnset,
      z
        .string({ error: 'PAYSTACK_SECRET_KEY is required' })
        .trim()
        .regex(/^sk_(test|live)_[A-Za-z0-9]+$/, 'PAYSTACK_SECRET_KEY must look like sk_test_… or sk_live_…'),
    ),
    PAYSTACK_PUBLIC_KEY: z.preprocess(
      blankAsUnset,
      z
        .string()
        .trim()
        .regex(/^pk_(test|live)_[A-Za-z0-9]+$/, 'PAYSTACK_PUBLIC_KEY must look like pk_test_… or pk_live_…')
        .optional(),
    ),
    PAYSTACK_API_URL: z.preprocess(blankAsUnset, z.string().trim().default(PAYSTACK_API_URL)),
  })
  .superRefine((env, ctx) => {
    if (paystackBaseUrl(env.PAYSTACK_API_URL) === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['PAYSTACK_API_URL'],
        message: 'PAYSTACK_API_URL must be an http(s) URL (origin, optional path) without a query string',
      });
    }
    // A test secret with a live public key (or the reverse) charges in one environment and
    // verifies in the other: "Transaction reference not found" (docs/paystack.md §13.2).
    if (env.PAYSTACK_PUBLIC_KEY && keyMode(env.PAYSTACK_PUBLIC_KEY) !== keyMode(env.PAYSTACK_SECRET_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['PAYSTACK_PUBLIC_KEY'],
        message: 'PAYSTACK_PUBLIC_KEY and PAYSTACK_SECRET_KEY must both be test keys or both be live keys',
      });
    }
  });

export function paystackConfigFromEnv(env: NodeJS.ProcessEnv, appOrigin: string): PaystackConfig {
  if (blankAsUnset(env.PAYSTACK_SECRET_KEY) === undefined) {
    const origin = paystackBaseUrl(appOrigin);
    if (origin === null) throw new Error('Invalid app origin for the Paystack sandbox: expected an http(s) URL');
    return {
      secretKey: `sk_test_${derivedKeyBody('secret-key', env)}`,
      publicKey: `pk_test_${derivedKeyBody('public-key', env)}`,
      apiUrl: `${new URL(origin).origin}${PAYSTACK_SANDBOX_PATH}`,
      sandbox: true,
    };
  }

  const parsed = productionEnvSchema.safeParse(env);
  if (!parsed.success) {
    // Messages name the variable but never echo its value.
    const problems = parsed.error.issues.map((issue) => issue.message).join('; ');
    throw new Error(`Invalid Paystack configuration: ${problems}`);
  }
  return {
    secretKey: parsed.data.PAYSTACK_SECRET_KEY,
    publicKey: parsed.data.PAYSTACK_PUBLIC_KEY ?? null,
    apiUrl: paystackBaseUrl(parsed.data.PAYSTACK_API_URL) ?? PAYSTACK_API_URL, // validated above
    sandbox: false,
  };
}
