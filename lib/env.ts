// Configuration read from the environment, in one place. Gateways fall back to the built-in
// sandbox when their credentials are absent, so the whole flow runs on any laptop.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function darajaSandboxEnabled(env: NodeJS.ProcessEnv = process.env) {
  return !env.MPESA_CONSUMER_KEY;
}

export function paystackSandboxEnabled(env: NodeJS.ProcessEnv = process.env) {
  return !env.PAYSTACK_SECRET_KEY;
}

/** Any sandbox on: the UI shows the sandbox banner and /sandbox/* pages exist. */
export function sandboxEnabled(env: NodeJS.ProcessEnv = process.env) {
  return darajaSandboxEnabled(env) || paystackSandboxEnabled(env);
}

/** Where this app is reachable; the sandbox emulators call back to it. */
export function appOrigin(env: NodeJS.ProcessEnv = process.env) {
  const url = env.APP_URL || env.AUTH_URL || `http://localhost:${env.PORT || 3000}`;
  return new URL(url).origin;
}

/**
 * Where the browser is sent to pay by card (CSP form-action must allow it): the sandbox's hosted
 * checkout lives on our own origin; Paystack's is https://checkout.paystack.com unless
 * PAYSTACK_CHECKOUT_ORIGIN says otherwise (e.g. a staging emulator).
 */
export function paystackCheckoutOrigin(env: NodeJS.ProcessEnv = process.env) {
  if (paystackSandboxEnabled(env)) return appOrigin(env);
  return new URL(env.PAYSTACK_CHECKOUT_ORIGIN || 'https://checkout.paystack.com').origin;
}

/**
 * How many reverse proxies in front of the app append to X-Forwarded-For (TRUSTED_PROXY_HOPS).
 * 0 (the default): the app faces the internet and the TCP peer is the client; the header is ignored.
 */
export function trustedProxyHops(env: NodeJS.ProcessEnv = process.env) {
  const n = Number(env.TRUSTED_PROXY_HOPS ?? 0);
  return Number.isInteger(n) && n >= 0 && n <= 10 ? n : 0;
}

/**
 * Session cookies are Secure (and __Secure- prefixed) whenever the public origin is https, as every
 * production deployment's is (Daraja only calls back to https). Plain-http laptops and CI keep them usable.
 */
export function secureCookies(env: NodeJS.ProcessEnv = process.env) {
  return new URL(appOrigin(env)).protocol === 'https:';
}

let cachedSecret: string | undefined;

/**
 * The server's own secret (signs sessions and per-payment callback tokens). Production sets
 * AUTH_SECRET; a newcomer's laptop gets one generated once under .data/ so restarts keep sessions.
 */
export function serverSecret(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AUTH_SECRET) return env.AUTH_SECRET;
  if (!darajaSandboxEnabled(env) || !paystackSandboxEnabled(env)) {
    throw new Error('AUTH_SECRET must be set when real gateway credentials are configured.');
  }
  if (cachedSecret) return cachedSecret;
  const file = path.join(process.cwd(), '.data', 'dev-secret');
  try {
    cachedSecret = fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fresh = crypto.randomBytes(32).toString('base64url');
    try {
      fs.writeFileSync(file, fresh, { flag: 'wx' });
    } catch {
      // Another process wrote it first; use theirs.
    }
    cachedSecret = fs.readFileSync(file, 'utf8').trim();
  }
  return cachedSecret;
}

function seconds(v: string | undefined, fallback: number) {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** Timing of the stuck-payment sweep (seconds). */
export function reconcileSettings(env: NodeJS.ProcessEnv = process.env) {
  return {
    firstCheckAfter: seconds(env.MPESA_RECONCILE_AFTER_SECONDS, 60),
    recheckEvery: seconds(env.MPESA_RECONCILE_EVERY_SECONDS, 30),
    expireAfter: seconds(env.MPESA_EXPIRE_AFTER_SECONDS, 15 * 60),
  };
}

/** Real gateway credentials configured: production. No demo seed, and weak settings refuse to start. */
export function liveMode(env: NodeJS.ProcessEnv = process.env) {
  return !darajaSandboxEnabled(env) || !paystackSandboxEnabled(env);
}

/**
 * Signs receipt verification links. Separate from AUTH_SECRET so rotating the session secret
 * leaves every printed QR code working; the sandbox falls back to the server secret.
 */
export function receiptSecret(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RECEIPT_SECRET) return env.RECEIPT_SECRET;
  if (liveMode(env)) throw new Error('RECEIPT_SECRET must be set when real gateway credentials are configured.');
  return serverSecret(env);
}

/** Money movements above this (minor units) need a second, different finance approver. */
export function secondApprovalAboveMinor(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SECOND_APPROVAL_ABOVE_KES;
  const kes = raw !== undefined && /^\d{1,12}$/.test(raw.trim()) ? Number(raw.trim()) : 50_000;
  return kes * 100;
}

/**
 * Paybill (M-Pesa C2B) settings (lib/paybill). The business number holders pay to is
 * MPESA_PAYBILL_NUMBER, else the paybill shortcode (MPESA_SHORTCODE, or the sandbox's 174379);
 * a till (MPESA_TRANSACTION_TYPE=till) has no Paybill unless MPESA_PAYBILL_NUMBER says so.
 */
export function paybillSettings(env: NodeJS.ProcessEnv = process.env) {
  const sandbox = darajaSandboxEnabled(env);
  const shortcode = sandbox ? '174379' : (env.MPESA_SHORTCODE ?? '').trim();
  const till = !sandbox && (env.MPESA_TRANSACTION_TYPE ?? '').trim().toLowerCase() === 'till';
  const businessNumber = (env.MPESA_PAYBILL_NUMBER ?? '').trim() || (till ? '' : shortcode);
  const base = (env.MPESA_C2B_URL ?? '').trim() || `${appOrigin(env)}/api/v1/payments/paybill`;
  return {
    /** Shown to holders; null: no Paybill to show. */
    businessNumber: /^\d{5,7}$/.test(businessNumber) ? businessNumber : null,
    /** Shortcodes whose C2B money is ours (BusinessShortCode of a confirmation). */
    shortcodes: [...new Set([shortcode, businessNumber].filter(Boolean))],
    /** Public base of the confirmation and validation URLs (each gets its own secret segment). */
    c2bBaseUrl: base.replace(/\/+$/, ''),
    /** MPESA_C2B_VALIDATION=1 once Safaricom has enabled external validation on the shortcode. */
    validation: /^(1|true|yes|on)$/i.test((env.MPESA_C2B_VALIDATION ?? '').trim()),
    /** MPESA_CALLBACK_ALLOWED_IPS: Safaricom's source addresses, comma-separated; empty = no check. */
    allowedIps: (env.MPESA_CALLBACK_ALLOWED_IPS ?? '').split(/[\s,]+/).map((s) => s.trim()).filter(Boolean),
    /** How far apart an STK payment and a C2B confirmation of the same money may be (minutes). */
    stkOverlapMinutes: seconds(env.MPESA_C2B_STK_WINDOW_MINUTES, 10),
  };
}
