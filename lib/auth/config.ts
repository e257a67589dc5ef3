// Auth.js settings shared by the proxy (route gate) and the full server config.
// Kept free of database imports so the proxy stays light.
import type { NextAuthConfig } from 'next-auth';
import { secureCookies } from '@/lib/env';
import { isStaffRole } from '@/lib/auth/roles';
import { isPublicPayPath, payerMayOpen } from '@/lib/holder-access/payer-routes';
import type { PayScope, Role } from '@/lib/viewer';

/** Sessions end after this long without a visit: staff hold more power, so theirs is short. */
export const IDLE_SECONDS = { staff: 8 * 3600, policyholder: 30 * 24 * 3600 } as const;

export function idleLimitFor(role: Role | undefined) {
  return role === 'policyholder' ? IDLE_SECONDS.policyholder : IDLE_SECONDS.staff;
}

/**
 * Whether the gate lets this session through to `path`: true, 'sign-in' (and back), or a path to
 * send it to instead. Server code checks again and the data layer filters rows.
 */
export function gateDecision(path: string, auth: { user?: unknown } | null | undefined): true | 'sign-in' | string {
  const user = auth?.user as { role?: Role; scope?: PayScope } | undefined;
  const role = user?.role;
  if (isPublicPayPath(path)) return true;
  const gated = path.startsWith('/staff') || path.startsWith('/pay') || path.startsWith('/dashboard');
  if (!gated) return true;
  // A pay-link / guest session opens its policy's pay page and its payments' pages, nothing else.
  if (role === 'payer') return payerMayOpen(path, user?.scope) || 'sign-in';
  if (!role) return 'sign-in';
  // A signed-in holder is turned away to their own page (not to sign-in, which would send them back).
  if (path.startsWith('/staff')) return isStaffRole(role) || '/dashboard';
  return true;
}

/**
 * To sign-in and back, on the origin the request came to, with a path-only callbackUrl (Auth.js's
 * own redirect carries a full URL, which the sign-in form then has to unpick).
 */
function toSignIn(url: URL) {
  return Response.redirect(new URL(`/login?callbackUrl=${encodeURIComponent(url.pathname + url.search)}`, url), 307);
}

export const authConfig = {
  trustHost: true,
  // The cookie lives as long as the longest idle limit; the jwt callback ends staff sessions sooner.
  session: { strategy: 'jwt', maxAge: IDLE_SECONDS.policyholder },
  useSecureCookies: secureCookies(),
  pages: { signIn: '/login' },
  providers: [],
  callbacks: {
    // Runs whenever a session is read. `seen` is refreshed each time the cookie is re-issued (every
    // gated page visit), so a session unused for longer than its role's idle limit is ended here.
    jwt({ token, user }) {
      const now = Math.floor(Date.now() / 1000);
      if (user) {
        token.uid = user.id;
        token.role = (user as { role?: Role }).role;
        // A pay-link / guest session carries its scope (one policy, until when).
        const scope = (user as { scope?: PayScope }).scope;
        if (scope) token.scope = scope;
        else delete token.scope;
        token.seen = now;
        return token;
      }
      const seen = typeof token.seen === 'number' ? token.seen : typeof token.iat === 'number' ? token.iat : 0;
      if (now - seen > idleLimitFor(token.role as Role | undefined)) return null;
      token.seen = now;
      return token;
    },
    session({ session, token }) {
      session.user.id = token.uid as string;
      (session.user as { role?: Role }).role = token.role as Role;
      if (token.scope) (session.user as { scope?: PayScope }).scope = token.scope as PayScope;
      return session;
    },
    // The proxy's gate. Server code checks again (requireViewer), and the data layer filters rows.
    authorized({ auth, request }) {
      const decision = gateDecision(request.nextUrl.pathname, auth);
      if (decision === true) return true;
      return decision === 'sign-in' ? toSignIn(request.nextUrl) : Response.redirect(new URL(decision, request.nextUrl), 307);
    },
  },
} satisfies NextAuthConfig;
