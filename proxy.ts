// Next 16's request gate (formerly middleware.ts). Sends signed-out visitors of /pay, /dashboard
// and /staff to sign in; the role is checked again on the server and rows are filtered in the data layer.
import NextAuth from 'next-auth';
import { NextResponse, type NextFetchEvent, type NextRequest } from 'next/server';
import { authConfig } from '@/lib/auth/config';
import { serverSecret } from '@/lib/env';

const gate = NextAuth({ ...authConfig, secret: serverSecret() }).auth as unknown as (
  req: NextRequest,
  ev: NextFetchEvent,
) => Promise<Response>;

export default function proxy(req: NextRequest, ev: NextFetchEvent) {
  // Link prefetches skip the gate: the gate re-issues the session cookie, and a prefetch still in
  // flight when the person signs out would put it back. The pages check the session themselves.
  // Server actions skip it too: the sign-out action's own response must not carry a refreshed
  // session cookie beside the deleted one. Actions and pages check the session themselves.
  if (req.headers.get('next-router-prefetch') || req.headers.get('next-action')) return NextResponse.next();
  return gate(req, ev);
}

export const config = {
  matcher: ['/pay/:path*', '/dashboard/:path*', '/staff/:path*'],
};
