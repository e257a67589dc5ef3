// Next 16's request gate (formerly middleware.ts). Runs for every request except built assets:
// stamps the security headers (a fresh CSP nonce each time, also put on the request so Next
// marks its own inline scripts with it), and sends signed-out visitors of /pay, /dashboard and
// /staff to sign in. Roles are checked again on the server and rows are filtered in the data layer.
import NextAuth from 'next-auth';
import { NextRequest, NextResponse, type NextFetchEvent } from 'next/server';
import { authConfig, gateDecision } from '@/lib/auth/config';
import { serverSecret } from '@/lib/env';
import { contentSecurityPolicy, headerSettings, newNonce, staticSecurityHeaders } from '@/lib/security/headers';

type Gate = (req: NextRequest, ev: NextFetchEvent) => Promise<Response>;

// The Auth.js wrapper reads (and refreshes) the session cookie, then calls this handler, which
// forwards the request (already carrying its CSP header) or redirects to sign in as `authorized` would.
const gate = NextAuth({ ...authConfig, secret: serverSecret() }).auth((req) => {
  const decision = gateDecision(req.nextUrl.pathname, req.auth);
  if (decision === true) return NextResponse.next({ request: { headers: req.headers } });
  if (decision !== 'sign-in') return NextResponse.redirect(new URL(decision, req.nextUrl));
  // Back to the same page after sign-in: a path only (same origin; never an open redirect).
  const signInUrl = req.nextUrl.clone();
  signInUrl.pathname = '/login';
  signInUrl.search = '';
  signInUrl.searchParams.set('callbackUrl', req.nextUrl.pathname + req.nextUrl.search);
  return NextResponse.redirect(signInUrl);
}) as unknown as Gate;

const settings = headerSettings();
const fixedHeaders = staticSecurityHeaders(settings);
const GATED = ['/pay', '/dashboard', '/staff', '/p'];

export default async function proxy(req: NextRequest, ev: NextFetchEvent) {
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, settings);
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set('content-security-policy', csp);

  const path = req.nextUrl.pathname;
  // Server actions skip the gate: the sign-out action's own response must not carry a refreshed
  // session cookie beside the deleted one. Actions and pages check the session themselves.
  // The prefetch test is kept for intent only: Next 16 strips its router headers (including
  // next-router-prefetch) from the request the proxy sees, so prefetches do pass the gate and
  // refresh the cookie; links near "Sign out" set prefetch={false} for that reason.
  const gated = GATED.some((p) => path === p || path.startsWith(`${p}/`));
  const skipGate = req.headers.get('next-router-prefetch') || req.headers.get('next-action');
  const response = gated && !skipGate
    ? await gate(new NextRequest(req, { headers: requestHeaders }), ev)
    : NextResponse.next({ request: { headers: requestHeaders } });

  response.headers.set('Content-Security-Policy', csp);
  for (const [name, value] of Object.entries(fixedHeaders)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Everything but Next's fingerprinted build output (next.config.ts gives that its own headers).
  matcher: ['/((?!_next/static|_next/image).*)'],
};
