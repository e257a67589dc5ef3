// Daraja's STK callback. The path carries the payment id and its unguessable token (there are
// no signatures on Daraja callbacks). Raw body stored first, applied idempotently, acknowledged.
import { getDb } from '@/db/client';
import { requestIdFrom } from '@/lib/log';
import { handleStkCallback } from '@/lib/payments/pay-by-mpesa';

export const dynamic = 'force-dynamic';

const MAX_BODY_BYTES = 64 * 1024; // real callbacks are well under 1 KB

export async function POST(req: Request, ctx: { params: Promise<{ paymentId: string; token: string }> }) {
  const { paymentId, token } = await ctx.params;
  const declared = Number(req.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) return Response.json({ ResultCode: 1, ResultDesc: 'Body too large' }, { status: 413 });
  const raw = await req.text();
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return Response.json({ ResultCode: 1, ResultDesc: 'Body too large' }, { status: 413 });
  // Logged and counted inside, under this request's id (the apply job logs under it too).
  const requestId = requestIdFrom(req.headers);
  const answer = await handleStkCallback(await getDb(), { paymentId, token, rawBody: raw, requestId });
  return Response.json(answer.body, { status: answer.status, headers: { 'x-request-id': requestId } });
}
