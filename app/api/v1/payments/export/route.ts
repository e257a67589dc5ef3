// The signed-in holder's payment history as CSV, with the same filters (query string) as
// /dashboard/payments. Streamed batch by batch, so a long history never sits in memory.
import { getDb } from '@/db/client';
import { currentViewer } from '@/lib/auth/session';
import { csvDownload, csvStream } from '@/lib/csv';
import { historyCsv, historyCsvFilename } from '@/lib/history/csv';
import { parseHistoryQuery } from '@/lib/history/filters';
import { log } from '@/lib/log';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  const viewer = await currentViewer();
  if (!viewer) return Response.json({ error: 'Sign in to download your payments.' }, { status: 401 });
  // Same parsing as the page; the export is the whole filtered history, so no page cursor.
  const filters = { ...parseHistoryQuery(new URL(req.url).searchParams), cursor: undefined };
  // Pull-based: the next batch is read only when the client has taken the previous one.
  const body = csvStream(historyCsv(await getDb(), viewer, filters), (err) => log.error({ event: 'export.failed', err }, 'payments export failed'));
  return csvDownload(body, historyCsvFilename());
}
