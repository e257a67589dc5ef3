// Sandbox only: "the customer paid, but M-Pesa's callback never reached us" — the case "Check with
// the gateway now" exists for (Daraja delivers each callback once, or never). It answers the
// emulator's prompt as paid WITHOUT delivering the callback, exactly what a lost callback looks
// like from our side, so staff can rehearse the fix and the browser tests can reach that state.
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { payments } from '@/db/schema';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import { recordAudit } from '@/lib/audit';
import { darajaSandboxEnabled } from '@/lib/env';
import { receiptNumber } from './phone';
import type { Viewer } from '@/lib/viewer';
import { staffOnly, type Forbidden } from '@/lib/staff/access';

export type LostCallbackResult = { ok: true; message: string } | { ok: false; code: 'not_found' | 'conflict'; error: string } | Forbidden;

export async function simulateLostCallback(db: Db, viewer: Viewer, paymentId: string, env: NodeJS.ProcessEnv = process.env): Promise<LostCallbackResult> {
  const denied = staffOnly(viewer, 'sandbox.tools');
  if (denied) return denied;
  if (!darajaSandboxEnabled(env)) return { ok: false, code: 'not_found', error: 'Only available in the sandbox.' };
  return db.transaction(async (tx) => {
    const [payment] = await tx.select().from(payments).where(eq(payments.id, paymentId));
    if (!payment || payment.method !== 'mpesa' || !payment.checkoutRequestId) return { ok: false as const, code: 'not_found' as const, error: 'No M-Pesa prompt for this payment.' };
    const now = new Date();
    const [prompt] = await tx
      .update(sandboxStkPrompts)
      .set({ resultCode: '0', resultDesc: 'The service request is processed successfully.', receipt: receiptNumber(now), answeredAt: now })
      .where(and(eq(sandboxStkPrompts.checkoutRequestId, payment.checkoutRequestId), isNull(sandboxStkPrompts.resultCode)))
      .returning();
    if (!prompt) return { ok: false as const, code: 'conflict' as const, error: 'The prompt was already answered.' };
    await recordAudit(tx, { actorId: viewer.userId, action: 'sandbox.lose_callback', targetType: 'payment', targetId: payment.id, detail: { checkoutRequestId: payment.checkoutRequestId } });
    return { ok: true as const, message: 'Sandbox: the phone paid and the callback was lost. Now use "Check with the gateway now".' };
  });
}
