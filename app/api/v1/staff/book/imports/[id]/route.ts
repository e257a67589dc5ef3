// Import progress for the page's polling: status, batches done of total, running counts.
import { getDb } from '@/db/client';
import { importProgress } from '@/lib/book/imports';
import { requireStaffForRoute } from '@/lib/staff/session';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { viewer, denied } = await requireStaffForRoute();
  if (denied) return denied;
  const progress = await importProgress(await getDb(), viewer, (await params).id);
  if (!progress) return Response.json({ error: 'Not found.' }, { status: 404 });
  return Response.json(progress, { headers: { 'cache-control': 'no-store' } });
}
