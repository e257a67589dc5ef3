// Daraja's C2B confirmation (docs/daraja.md §10.3): money paid to our Paybill. The path carries
// the URL's own secret (no signatures on Daraja messages); the path avoids every word Daraja
// refuses in a URL (§3.4), which is why it is not under /api/mpesa. Stored raw, queued, answered.
import { getDb } from '@/db/client';
import { requestIdFrom } from '@/lib/log';
import { clientAddress } from '@/lib/net/client-address';
import { handleC2bConfirmation } from '@/lib/paybill/confirmation';

export const dynamic = 'force-dynamic';

export async function POST(req: Request, ctx: { params: Promise<{ secret: string }> }) {
  const { secret } = await ctx.params;
  if (Number(req.headers.get('content-length') ?? 0) > 64 * 1024) return Response.json({ ResultCode: 'C2B00016', ResultDesc: 'Body too large' }, { status: 413 });
  const requestId = requestIdFrom(req.headers);
  const answer = await handleC2bConfirmation(await getDb(), { secret, rawBody: await req.text(), clientIp: clientAddress(req.headers), requestId });
  return Response.json(answer.body, { status: answer.status, headers: { 'x-request-id': requestId } });
}
