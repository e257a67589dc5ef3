// A pay link from a reminder: /p/<token>. Opens the pay page of the link's policy without a
// password, in a session scoped to paying that policy (lib/holder-access/pay-link.ts). The token
// leaves the address bar at once (303 to the pay page) and is never sent on as a Referer.
import { AuthError } from 'next-auth';
import { getDb } from '@/db/client';
import { signIn } from '@/lib/auth';
import { currentViewer } from '@/lib/auth/session';
import { openPayLink } from '@/lib/holder-access/pay-link';

export const dynamic = 'force-dynamic';

function go(location: string) {
  return new Response(null, { status: 303, headers: { Location: location, 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' } });
}

export async function GET(_req: Request, ctx: { params: Promise<{ token: string }> }) {
  const { token } = await ctx.params;
  const link = await openPayLink(await getDb(), token);
  if (!link.ok) return go(`/pay?link=${link.reason}`);
  const payPage = `/pay/${link.policyId}`;
  // The holder already signed in on this phone keeps their full session.
  const viewer = await currentViewer();
  if (viewer && viewer.role === 'policyholder' && viewer.userId === link.holderId) return go(payPage);
  try {
    await signIn('paylink', { token, redirect: false });
  } catch (err) {
    if (err instanceof AuthError) return go('/pay?link=invalid');
    throw err;
  }
  return go(payPage);
}
