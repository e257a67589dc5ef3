// Auth.js settings shared by the proxy (route gate) and the full server config.
// Kept free of database imports so the proxy stays light.
import type { NextAuthConfig } from 'next-auth';
import { secureCookies } from '@/lib/env';
import { isStaffRole, type Role } from '@/lib/auth/roles';

/** Sessions end after this long without a visit: staff hold more power, so theirs is short. */
export const IDLE_SECONDS = { staff: 8 * 3600, policyholder: 30 * 24 * 3600 } as const;

export function idleLimitFor(role: Role | undefined) {
  return role === 'policyholder' ? IDLE_SECONDS.policyholder : IDLE_SECONDS.staff;
}

/** Whether the proxy lets this session through to `path` (signed-out visitors are sent to sign in). */
export function mayVisit(path: string, auth: { user?: unknown } | null | undefined) {
  const role = (auth?.user as { role?: Role } | undefined)?.role;
  if (path.startsWith('/staff')) return isStaffRole(role);
  if (path.startsWith('/pay') || path.startsWith('/dashboard')) return !!auth?.user;
  return true;
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
      return session;
    },
    // The proxy's gate. Server code checks again (requireViewer), and the data layer filters rows.
    authorized({ auth, request }) {
      return mayVisit(request.nextUrl.pathname, auth);
    },
  },
} satisfies NextAuthConfig;
