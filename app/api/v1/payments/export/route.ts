// The signed-in holder's payment history as CSV, with the same filters (query string) as
// /dashboard/payments. Streamed batch by batch, so a long history never sits in memory.
import { getDb } from '@/db/client';
import { currentViewer } from '@/lib/auth/session';
import { historyCsv, historyCsvFilename } from '@/lib/history/csv';
import { parseHistoryQuery } from '@/lib/history/filters';
import { log } from '@/lib/log';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  const viewer = await currentViewer();
  if (!viewer) return Response.json({ error: 'Sign in to download your payments.' }, { status: 401 });
  // Same parsing as the page; the export is the whole filtered history, so no page cursor.
  const filters = { ...parseHistoryQuery(new URL(req.url).searchParams), cursor: undefined };
  const chunks = historyCsv(await getDb(), viewer, filters);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    // Pull-based: the next batch is read only when the client has taken the previous one.
    async pull(controller) {
      try {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (err) {
        // Abort rather than end cleanly, so a failure never looks like a complete (short) file.
        log.error({ event: 'export.failed', err }, 'payments export failed');
        controller.error(err);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${historyCsvFilename()}"`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
