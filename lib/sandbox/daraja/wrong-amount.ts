// Sandbox only: "M-Pesa reports a different amount than we asked for" — the case a payment is held
// for review for, and the one the four-eyes review decision exists to settle. The emulator's prompt
// is paid for KES 1 less than asked, and its callback (Daraja's exact shape) is delivered as usual,
// so staff can rehearse the review and the browser tests can reach that state through the UI.
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { payments } from '@/db/schema';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import { recordAudit } from '@/lib/audit';
import { darajaSandboxEnabled } from '@/lib/env';
import { staffOnly } from '@/lib/staff/access';
import type { Viewer } from '@/lib/viewer';
import type { LostCallbackResult } from './lost-callback';
import { respondToPrompt } from './phone';

export async function simulateWrongAmount(db: Db, viewer: Viewer, paymentId: string, env: NodeJS.ProcessEnv = process.env): Promise<LostCallbackResult> {
  const denied = staffOnly(viewer, 'sandbox.tools');
  if (denied) return denied;
  if (!darajaSandboxEnabled(env)) return { ok: false, code: 'not_found', error: 'Only available in the sandbox.' };
  const [payment] = await db.select().from(payments).where(eq(payments.id, paymentId));
  if (!payment || payment.method !== 'mpesa' || !payment.checkoutRequestId) return { ok: false, code: 'not_found', error: 'No M-Pesa prompt for this payment.' };
  const [prompt] = await db
    .update(sandboxStkPrompts)
    .set({ amountKes: sql`greatest(${sandboxStkPrompts.amountKes} - 1, 1)` })
    .where(and(eq(sandboxStkPrompts.checkoutRequestId, payment.checkoutRequestId), isNull(sandboxStkPrompts.resultCode)))
    .returning();
  if (!prompt) return { ok: false, code: 'conflict', error: 'The prompt was already answered.' };
  await recordAudit(db, { actorId: viewer.userId, action: 'sandbox.wrong_amount', targetType: 'payment', targetId: payment.id, detail: { checkoutRequestId: payment.checkoutRequestId } });
  const sent = await respondToPrompt(db, prompt.id, 'pin');
  if (!sent.delivered) return { ok: false, code: 'conflict', error: sent.error ?? 'The callback could not be delivered.' };
  return { ok: true, message: `Sandbox: the phone paid KES ${prompt.amountKes} and M-Pesa's callback says so. The payment will be held for review.` };
}
