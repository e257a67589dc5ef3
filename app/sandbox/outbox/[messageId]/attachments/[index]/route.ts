// An outbox message's attachment, rendered as it would be when sent (sandbox only).
import { getDb } from '@/db/client';
import { sandboxEnabled } from '@/lib/env';
import { attachmentsOf, getOutboxMessage, renderAttachment } from '@/lib/notifications/outbox';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, ctx: { params: Promise<{ messageId: string; index: string }> }) {
  if (!sandboxEnabled()) return new Response('Not found', { status: 404 });
  const { messageId, index } = await ctx.params;
  const db = await getDb();
  const message = await getOutboxMessage(db, messageId);
  const spec = message && /^\d{1,2}$/.test(index) ? attachmentsOf(message)[Number(index)] : undefined;
  const file = message && spec ? await renderAttachment(db, message, spec) : null;
  if (!file) return new Response('Not found', { status: 404 });
  return new Response(Buffer.from(file.content), {
    headers: {
      'Content-Type': file.contentType,
      'Content-Disposition': `inline; filename="${file.filename}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
