// Paystack's signed webhook (also reached with a trailing slash, see next.config.ts). A database
// failure surfaces as 5xx on purpose: Paystack retries, and applying is idempotent.
import { getDb } from '@/db/client';
import { requestIdFrom } from '@/lib/log';
import { paystackGateway } from '@/lib/payments/gateways';
import { handlePaystackWebhook } from '@/lib/webhooks/paystack';

export const dynamic = 'force-dynamic';

const MAX_BODY_BYTES = 256 * 1024;

export async function POST(req: Request) {
  const raw = await req.text();
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return Response.json({ error: 'body too large' }, { status: 413 });
  const { config } = paystackGateway();
  const requestId = requestIdFrom(req.headers);
  const answer = await handlePaystackWebhook(await getDb(), {
    secretKey: config.secretKey,
    rawBody: raw,
    signature: req.headers.get('x-paystack-signature'),
    requestId,
  });
  return Response.json(answer.body, { status: answer.status, headers: { 'x-request-id': requestId } });
}
