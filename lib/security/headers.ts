// The browser-facing security headers, built in one place. proxy.ts stamps them on every response
// (with a fresh script nonce per request); the build-manifest browser test checks every route has them.
import { appOrigin, paystackCheckoutOrigin } from '@/lib/env';

export type HeaderSettings = {
  /** Where card payments are sent to pay: the sandbox's own origin, or Paystack's hosted checkout. */
  checkoutOrigin: string;
  /** APP_URL is https: send HSTS and ask the browser to upgrade stray http sub-resources. */
  https: boolean;
  /** `next dev` needs eval for React's debugging tools; production never gets it. */
  dev: boolean;
};

export function headerSettings(env: NodeJS.ProcessEnv = process.env): HeaderSettings {
  return {
    checkoutOrigin: paystackCheckoutOrigin(env),
    https: new URL(appOrigin(env)).protocol === 'https:',
    dev: env.NODE_ENV === 'development',
  };
}

/** 128 random bits, base64: a CSP nonce nobody can guess or reuse from another response. */
export function newNonce() {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}

export function contentSecurityPolicy(nonce: string, s: HeaderSettings): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    // Only scripts carrying this response's nonce run; 'strict-dynamic' lets Next's own loader
    // add its chunks. No 'unsafe-inline' and (outside `next dev`) no 'unsafe-eval'.
    'script-src': ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(s.dev ? ["'unsafe-eval'"] : [])],
    // Styles may be inline: React renders style="" attributes (progress bars, charts), which a
    // nonce cannot cover. Injected CSS cannot run code; scripts stay nonce-only.
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    // Chromium applies form-action to the redirect after a form post too: the card "Pay" action
    // answers with a redirect to the hosted checkout, so that origin must be listed.
    'form-action': ["'self'", s.checkoutOrigin],
    'frame-ancestors': ["'none'"],
    ...(s.https ? { 'upgrade-insecure-requests': [] } : {}),
  };
  return Object.entries(directives)
    .map(([name, values]) => [name, ...dedupe(values)].join(' '))
    .join('; ');
}

function dedupe(values: string[]) {
  return [...new Set(values)];
}

/** Headers every response carries besides the CSP. */
export function staticSecurityHeaders(s: HeaderSettings): Record<string, string> {
  return {
    // Pages can carry tokens in their paths (pay links, receipts, checkout codes): never tell
    // another origin where the visitor came from. Same-origin requests keep the full referrer.
    'Referrer-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    // Old browsers ignore frame-ancestors; this says the same to them.
    'X-Frame-Options': 'DENY',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()',
    ...(s.https ? { 'Strict-Transport-Security': 'max-age=63072000; includeSubDomains' } : {}),
  };
}
