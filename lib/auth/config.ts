// Auth.js settings shared by the proxy (route gate) and the full server config.
// Kept free of database imports so the proxy stays light.
import type { NextAuthConfig } from 'next-auth';
import { isStaffRole, type Role } from '@/lib/auth/roles';

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
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.uid as string;
      (session.user as { role?: Role }).role = token.role as Role;
      return session;
    },
    // The proxy's gate. Server code checks again (requireViewer), and the data layer filters rows.
    authorized({ auth, request }) {
      const path = request.nextUrl.pathname;
      const role = (auth?.user as { role?: Role } | undefined)?.role;
      if (path.startsWith('/staff')) return isStaffRole(role);
      if (path.startsWith('/pay') || path.startsWith('/dashboard')) return !!auth?.user;
      return true;
    },
  },
} satisfies NextAuthConfig;
