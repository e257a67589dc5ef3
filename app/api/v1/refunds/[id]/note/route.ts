// The refund note PDF of a processed refund: its holder, or finance and support staff.
import { getDb } from '@/db/client';
import { currentViewer } from '@/lib/auth/session';
import { refundNoteResponse } from '@/lib/receipts/refund-note';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return refundNoteResponse(await getDb(), await currentViewer(), id);
}
