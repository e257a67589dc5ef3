// Incoming SMS to our two-way shortcode (AT_SHORTCODE): "STOP" ends SMS reminders for that phone.
// An alphanumeric sender id cannot receive replies, so without a shortcode this route is unused.
import { getDb } from '@/db/client';
import { smsCallbackSecretMatches } from '@/lib/sms/config';
import { handleInboundSms } from '@/lib/sms/reminders';

export const dynamic = 'force-dynamic';

export async function POST(req: Request, ctx: { params: Promise<{ secret: string }> }) {
  if (!smsCallbackSecretMatches((await ctx.params).secret)) return new Response('Not Found', { status: 404 });
  const raw = await req.text();
  if (raw.length > 8192) return new Response('Payload Too Large', { status: 413 });
  return new Response(await handleInboundSms(await getDb(), new URLSearchParams(raw)), { status: 200 });
}
