// Africa's Talking delivery reports (form-encoded, unsigned): the secret path segment is the
// authentication. Stored verbatim, matched by message id; a failed SMS falls back to email.
import { getDb } from '@/db/client';
import { smsCallbackSecretMatches } from '@/lib/sms/config';
import { applyDeliveryReport } from '@/lib/sms/outbox';

export const dynamic = 'force-dynamic';

export async function POST(req: Request, ctx: { params: Promise<{ secret: string }> }) {
  if (!smsCallbackSecretMatches((await ctx.params).secret)) return new Response('Not Found', { status: 404 });
  const raw = await req.text();
  if (raw.length > 8192) return new Response('Payload Too Large', { status: 413 });
  const outcome = await applyDeliveryReport(await getDb(), new URLSearchParams(raw));
  // Africa's Talking retries until it gets a 200; a report we cannot use is still acknowledged.
  return new Response(outcome, { status: 200 });
}
