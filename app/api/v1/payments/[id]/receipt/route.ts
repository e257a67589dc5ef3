// GET /api/v1/payments/<id>/receipt: the signed-in payer's (or staff's) PDF receipt.
import { getDb } from '@/db/client';
import { currentViewer } from '@/lib/auth/session';
import { receiptResponse } from '@/lib/receipts/response';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const viewer = await currentViewer();
  return receiptResponse(await getDb(), viewer, (await ctx.params).id);
}
