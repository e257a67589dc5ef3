// Next 16's request gate (formerly middleware.ts). Sends signed-out visitors of /pay, /dashboard
// and /staff to sign in; the role is checked again on the server and rows are filtered in the data layer.
import NextAuth from 'next-auth';
import { authConfig } from '@/lib/auth/config';
import { serverSecret } from '@/lib/env';

export default NextAuth({ ...authConfig, secret: serverSecret() }).auth;

export const config = {
  matcher: ['/pay/:path*', '/dashboard/:path*', '/staff/:path*'],
};
