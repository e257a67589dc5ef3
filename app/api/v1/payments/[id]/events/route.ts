// Server-Sent Events: pushes a payment's status the moment any instance applies a change
// (LISTEN/NOTIFY), so the payer sees "paid" within a second of Daraja's callback.
import { getDb } from '@/db/client';
import { currentViewer } from '@/lib/auth/session';
import { publicStatus } from '@/lib/payments/public-status';
import { getPayment } from '@/lib/payments/queries';
import { subscribePaymentStatus } from '@/lib/realtime';
import { metrics } from '@/lib/metrics';
import { isShuttingDown, onShutdown } from '@/lib/server/shutdown-state';

export const dynamic = 'force-dynamic';

const MAX_STREAM_MS = 5 * 60_000;
const HEARTBEAT_MS = 15_000;
const SHUTDOWN_RETRY_MS = 1_000;

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const viewer = await currentViewer();
  if (!viewer) return new Response('Sign in required', { status: 401 });
  const { id } = await ctx.params;
  const db = await getDb();
  if (!(await getPayment(db, viewer, id))) return new Response('Not found', { status: 404 });
  // Stopping: the browser's EventSource reconnects (to another instance) after Retry-After.
  if (isShuttingDown()) return new Response('Restarting, try again', { status: 503, headers: { 'Retry-After': '1' } });

  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        cleanup();
        try {
          controller.close();
        } catch {}
      };
      const sendCurrent = async () => {
        const row = await getPayment(db, viewer, id);
        if (!row || closed) return;
        controller.enqueue(encoder.encode(`event: status\ndata: ${JSON.stringify(publicStatus(row.payment))}\n\n`));
        if (row.payment.status !== 'pending') close();
      };
      // Subscribe before the first read so no change can fall between the two.
      const unsubscribe = await subscribePaymentStatus(id, () => void sendCurrent().catch(close));
      const heartbeat = setInterval(() => !closed && controller.enqueue(encoder.encode(': keep-alive\n\n')), HEARTBEAT_MS);
      const limit = setTimeout(close, MAX_STREAM_MS);
      let unregister = () => {};
      metrics.sseOpen.inc();
      cleanup = () => {
        unsubscribe();
        unregister();
        clearInterval(heartbeat);
        clearTimeout(limit);
        metrics.sseOpen.dec();
        cleanup = () => {};
      };
      // On shutdown: tell the browser to reconnect soon (another instance will answer), then close.
      unregister = onShutdown(() => {
        if (closed) return;
        controller.enqueue(encoder.encode(`retry: ${SHUTDOWN_RETRY_MS}\n\n`));
        close();
      });
      req.signal.addEventListener('abort', close);
      controller.enqueue(encoder.encode('retry: 3000\n\n'));
      await sendCurrent().catch(close);
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  });
}
