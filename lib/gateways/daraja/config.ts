/**
 * Daraja configuration from the environment.
 *
 * Without MPESA_CONSUMER_KEY we run against Malipo's built-in sandbox emulator, using Safaricom's
 * public sandbox values (docs/daraja.md §8). With it, every variable is validated up front so a
 * misconfiguration fails at start-up with the variable's name, not later as a confusing
 * `400.002.02 Invalid BusinessShortCode` from Daraja (docs/daraja.md §12.7).
 */
import { z } from 'zod';

export type DarajaTransactionType = 'CustomerPayBillOnline' | 'CustomerBuyGoodsOnline';

export type DarajaConfig = {
  /** Base URL without a trailing slash; API paths are appended to it. */
  apiUrl: string;
  consumerKey: string;
  consumerSecret: string;
  /** BusinessShortCode: the paybill, or for a till the store/HO number (docs/daraja.md §3.2). */
  shortcode: string;
  passkey: string;
  transactionType: DarajaTransactionType;
  /** Paybill: the shortcode. Till: the till number (docs/daraja.md §3.2). */
  partyB: string;
  callbackUrl: string;
};

/** Safaricom's public sandbox values (docs/daraja.md §8), verified against the documented Password (docs/daraja.md §3.2). */
export const SANDBOX_SHORTCODE = '174379';
export const SANDBOX_PASSKEY = 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919';

const PRODUCTION_API_URL = 'https://api.safaricom.co.ke';

/**
 * Words Daraja rejects anywhere in a callback URL, in any letter case (docs/daraja.md §3.4). The rule is a plain
 * substring match, so e.g. "executive" or "postgresql" in a host name also trips it. (`exec` is
 * covered by `exe`.) Random secrets in the URL should use hex, which cannot spell any of these.
 */
const FORBIDDEN_CALLBACK_WORDS = ['m-pesa', 'mpesa', 'safaricom', 'exe', 'cmd', 'sql', 'query'] as const;

/**
 * Structural problems that make Daraja refuse a callback URL synchronously with
 * `400.002.02 Invalid CallBackURL` (docs/daraja.md §3.4 "Observed"): not absolute http(s), whitespace, or a
 * template placeholder left in. Returns null when the shape is fine.
 */
export function callbackUrlShapeProblem(url: string): string | null {
  if (/\s/.test(url)) return 'must not contain spaces';
  if (/[<>{}]/.test(url)) return 'still contains a template placeholder';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be an absolute http(s) URL';
  return null;
}

/** A forbidden word the URL contains (docs/daraja.md §3.4), or null. */
export function forbiddenCallbackWord(url: string): string | null {
  const lower = url.toLowerCase();
  return FORBIDDEN_CALLBACK_WORDS.find((forbidden) => lower.includes(forbidden)) ?? null;
}

/** Why Daraja could refuse this callback URL (shape or forbidden word), or null if it looks acceptable. */
export function callbackUrlProblem(url: string): string | null {
  const shape = callbackUrlShapeProblem(url);
  if (shape) return shape;
  const word = forbiddenCallbackWord(url);
  return word ? `contains "${word}", a word Daraja rejects in callback URLs` : null;
}

/**
 * Parses an http(s) base URL (origin, optionally with a path) and returns it without trailing
 * slashes, or null. Query strings and fragments would break path concatenation, so they are refused.
 */
function baseUrl(value: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  if (parsed.search !== '' || parsed.hash !== '' || value.includes('?') || value.includes('#')) return null;
  return value.replace(/\/+$/, '');
}

/** Treat a variable set to "" (as `KEY=` in a .env file) the same as an unset one. */
const blankAsUnset = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const required = (name: string) =>
  z.preprocess(blankAsUnset, z.string({ error: `${name} is required` }).trim());

const shortcodeLike = (name: string) =>
  required(name).pipe(z.string().regex(/^\d{5,7}$/, `${name} must be a 5–7 digit shortcode`));

const productionEnvSchema = z
  .object({
    MPESA_CONSUMER_KEY: required('MPESA_CONSUMER_KEY'),
    MPESA_CONSUMER_SECRET: required('MPESA_CONSUMER_SECRET'),
    MPESA_SHORTCODE: shortcodeLike('MPESA_SHORTCODE'),
    MPESA_PASSKEY: required('MPESA_PASSKEY').pipe(
      z.string().regex(/^\S+$/, 'MPESA_PASSKEY must not contain spaces'),
    ),
    MPESA_CALLBACK_URL: required('MPESA_CALLBACK_URL'),
    MPESA_API_URL: z.preprocess(blankAsUnset, z.string().trim().default(PRODUCTION_API_URL)),
    MPESA_TRANSACTION_TYPE: z.preprocess(
      (value) => {
        const unset = blankAsUnset(value);
        return typeof unset === 'string' ? unset.trim().toLowerCase() : unset;
      },
      z.enum(['paybill', 'till'], { error: 'MPESA_TRANSACTION_TYPE must be "paybill" or "till"' }).default('paybill'),
    ),
    MPESA_TILL_NUMBER: z.preprocess(blankAsUnset, z.string().trim().optional()),
  })
  .superRefine((env, ctx) => {
    const apiUrl = baseUrl(env.MPESA_API_URL);
    if (apiUrl === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['MPESA_API_URL'],
        message: 'MPESA_API_URL must be an http(s) URL without a query string',
      });
    }

    const problem = callbackUrlProblem(env.MPESA_CALLBACK_URL);
    if (problem) {
      ctx.addIssue({ code: 'custom', path: ['MPESA_CALLBACK_URL'], message: `MPESA_CALLBACK_URL ${problem}` });
    } else if (apiUrl === PRODUCTION_API_URL && !env.MPESA_CALLBACK_URL.startsWith('https://')) {
      // Production callback URLs must be HTTPS (docs/daraja.md §3.4).
      ctx.addIssue({
        code: 'custom',
        path: ['MPESA_CALLBACK_URL'],
        message: 'MPESA_CALLBACK_URL must use https:// with the production Daraja API',
      });
    }

    if (env.MPESA_TRANSACTION_TYPE === 'till') {
      if (env.MPESA_TILL_NUMBER === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['MPESA_TILL_NUMBER'],
          message: 'MPESA_TILL_NUMBER is required when MPESA_TRANSACTION_TYPE is "till"',
        });
      } else if (!/^\d{5,7}$/.test(env.MPESA_TILL_NUMBER)) {
        ctx.addIssue({
          code: 'custom',
          path: ['MPESA_TILL_NUMBER'],
          message: 'MPESA_TILL_NUMBER must be a 5–7 digit till number',
        });
      }
    }
  });

export function darajaConfigFromEnv(
  env: NodeJS.ProcessEnv,
  sandboxOrigin: string,
): { config: DarajaConfig; sandbox: boolean } {
  if (blankAsUnset(env.MPESA_CONSUMER_KEY) === undefined) {
    const origin = baseUrl(sandboxOrigin.trim());
    if (origin === null) {
      throw new Error(`Invalid M-Pesa sandbox origin "${sandboxOrigin}": expected an http(s) URL`);
    }
    return {
      sandbox: true,
      config: {
        apiUrl: `${origin}/api/sandbox/daraja`,
        consumerKey: 'sandbox-key',
        consumerSecret: 'sandbox-secret',
        shortcode: SANDBOX_SHORTCODE,
        passkey: SANDBOX_PASSKEY,
        transactionType: 'CustomerPayBillOnline',
        partyB: SANDBOX_SHORTCODE,
        callbackUrl: `${origin}/api/v1/payments/stk/callback`,
      },
    };
  }

  const parsed = productionEnvSchema.safeParse(env);
  if (!parsed.success) {
    // Messages name the variable but never echo its value: some of these are secrets.
    const problems = parsed.error.issues.map((issue) => issue.message).join('; ');
    throw new Error(`Invalid M-Pesa configuration: ${problems}`);
  }
  const vars = parsed.data;
  const till = vars.MPESA_TRANSACTION_TYPE === 'till';
  return {
    sandbox: false,
    config: {
      apiUrl: baseUrl(vars.MPESA_API_URL) ?? PRODUCTION_API_URL, // validated above; never the fallback
      consumerKey: vars.MPESA_CONSUMER_KEY,
      consumerSecret: vars.MPESA_CONSUMER_SECRET,
      shortcode: vars.MPESA_SHORTCODE,
      passkey: vars.MPESA_PASSKEY,
      transactionType: till ? 'CustomerBuyGoodsOnline' : 'CustomerPayBillOnline',
      // For a till, BusinessShortCode is the store/HO number and PartyB the till (docs/daraja.md §3.2, §12.6).
      partyB: till ? (vars.MPESA_TILL_NUMBER ?? '') : vars.MPESA_SHORTCODE,
      callbackUrl: vars.MPESA_CALLBACK_URL,
    },
  };
}
