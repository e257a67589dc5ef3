// A payment's status as JSON: the polling fallback for the live status stream.
import { getDb } from '@/db/client';
import { currentViewer } from '@/lib/auth/session';
import { publicStatus } from '@/lib/payments/public-status';
import { getPayment } from '@/lib/payments/queries';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const viewer = await currentViewer();
  if (!viewer) return Response.json({ error: 'Sign in required' }, { status: 401 });
  const row = await getPayment(await getDb(), viewer, (await ctx.params).id);
  if (!row) return Response.json({ error: 'Not found' }, { status: 404 });
  return Response.json(publicStatus(row.payment), { headers: { 'Cache-Control': 'no-store' } });
}
