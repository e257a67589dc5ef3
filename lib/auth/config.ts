// Auth.js settings shared by the proxy (route gate) and the full server config.
// Kept free of database imports so the proxy stays light.
import type { NextAuthConfig } from 'next-auth';
import { isPublicPayPath, payerMayOpen } from '@/lib/holder-access/payer-routes';
import type { PayScope, Role } from '@/lib/viewer';

const STAFF_ROLES: Role[] = ['staff', 'admin'];

/**
 * To sign-in and back, on the origin the request came to, with a path-only callbackUrl (Auth.js's
 * own redirect carries a full URL, which the sign-in form then has to unpick).
 */
function toSignIn(url: URL) {
  return Response.redirect(new URL(`/login?callbackUrl=${encodeURIComponent(url.pathname + url.search)}`, url), 307);
}

export const authConfig = {
  trustHost: true,
  session: { strategy: 'jwt', maxAge: 8 * 3600 },
  pages: { signIn: '/login' },
  providers: [],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = (user as { role?: Role }).role;
        // A pay-link / guest session carries its scope (one policy, until when).
        const scope = (user as { scope?: PayScope }).scope;
        if (scope) token.scope = scope;
        else delete token.scope;
      }
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
      const path = request.nextUrl.pathname;
      const user = auth?.user as { role?: Role; scope?: PayScope } | undefined;
      const role = user?.role;
      if (isPublicPayPath(path)) return true;
      const gated = path.startsWith('/staff') || path.startsWith('/pay') || path.startsWith('/dashboard');
      if (!gated) return true;
      // A pay-link / guest session opens its policy's pay page and its payments' pages, nothing else.
      if (role === 'payer') return payerMayOpen(path, user?.scope) || toSignIn(request.nextUrl);
      if (!role) return toSignIn(request.nextUrl);
      // A signed-in holder is turned away to their own page (not to sign-in, which would send them back).
      if (path.startsWith('/staff')) return STAFF_ROLES.includes(role) || Response.redirect(new URL('/dashboard', request.nextUrl), 307);
      return true;
    },
  },
} satisfies NextAuthConfig;
