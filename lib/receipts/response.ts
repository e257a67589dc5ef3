// The HTTP answer for "download my receipt", kept out of the route file so tests can call it.
import type { Queryable } from '@/db/client';
import type { Viewer } from '@/lib/viewer';
import { loadReceipt } from './data';
import { receiptFilename, renderReceiptPdf } from './pdf';

export async function receiptResponse(db: Queryable, viewer: Viewer | null, paymentId: string, origin?: string): Promise<Response> {
  if (!viewer) return Response.json({ error: 'Sign in to download your receipt.' }, { status: 401, headers: { 'Cache-Control': 'no-store' } });
  // Someone else's payment and a payment that is not completed look the same: not found.
  const receipt = await loadReceipt(db, viewer, paymentId, origin);
  if (!receipt) return Response.json({ error: 'There is no receipt for this payment.' }, { status: 404, headers: { 'Cache-Control': 'no-store' } });
  const pdf = await renderReceiptPdf(receipt);
  return new Response(Buffer.from(pdf), {
    status: 200,
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="${receiptFilename(receipt.receiptNo)}"`,
      'Content-Length': String(pdf.byteLength),
      // Personal data: never kept by shared caches. A refund changes the receipt, so no long caching.
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
