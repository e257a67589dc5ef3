// Deciding a payment held for review, under four eyes. Accepting credits money and rejecting
// declares that none arrived, so neither rests on one person: a finance member proposes the
// decision with a note, and a different finance member confirms it (two different confirmers
// above SECOND_APPROVAL_ABOVE_KES, the rule of lib/approvals/four-eyes.ts). Only the final
// confirmation moves the payment, through the state machine, under the payment's row lock, with
// its audit record in the same transaction. Either side may instead decline the proposal (with a
// note), which leaves the payment in review for a fresh proposal.
import { and, desc, eq, ne } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Db, Queryable, Tx } from '@/db/client';
import { payments, reviewProposals, users, type Payment, type ReviewProposal } from '@/db/schema';
import { approvalStep } from '@/lib/approvals/four-eyes';
import { recordAudit } from '@/lib/audit';
import { secondApprovalAboveMinor } from '@/lib/env';
import { formatKes, parseKesInput } from '@/lib/money';
import { STATUS_LABELS } from '@/lib/history/labels';
import { closeUnpaid, completePayment } from '@/lib/payments/core/outcomes';
import { lockPayment } from '@/lib/payments/core/transition';
import { uuidField } from '@/lib/uuid';
import type { Viewer } from '@/lib/viewer';
import { staffOnly } from './access';
import type { StaffActionResult } from './payment-actions';

const note = z.string().trim().min(5, 'Write a note saying why (at least 5 characters).').max(1000, 'Keep the note under 1,000 characters.');

const resolveSchema = z.object({
  paymentId: uuidField('Unknown payment.'),
  decision: z.enum(['accept', 'reject']),
  note,
  // Accepting: the amount that arrived (KES, as on the statement). Required to propose an accept.
  amountKes: z
    .string()
    .trim()
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined;
      const minor = parseKesInput(s);
      if (minor === null || minor <= 0) {
        ctx.addIssue({ code: 'custom', message: 'Enter the amount that arrived in KES, e.g. 1500 or 1,500.00.' });
        return z.NEVER;
      }
      return minor;
    }),
  // Optional when accepting an M-Pesa payment: the receipt staff found in the M-Pesa statement.
  receipt: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{10}$/, 'An M-Pesa receipt is 10 letters and digits, e.g. UKP1ABCDEF.')
    .optional()
    .or(z.literal('').transform(() => undefined)),
});

const declineSchema = z.object({ paymentId: uuidField('Unknown payment.'), note });

type Failure = Extract<StaffActionResult, { ok: false }>;
const fail = (code: Failure['code'], error: string) => ({ ok: false as const, code, error });
const DECISION_WORDS = { accept: 'accept it as paid', reject: 'reject it' } as const;

async function openProposal(db: Queryable, paymentId: string): Promise<ReviewProposal | undefined> {
  const [row] = await db
    .select()
    .from(reviewProposals)
    .where(and(eq(reviewProposals.paymentId, paymentId), eq(reviewProposals.status, 'open')));
  return row;
}

/**
 * "Accept as paid" / "Reject" on a payment in review. With no open proposal it records one; with
 * an open proposal by someone else for the same decision it is a confirmation (the final one moves
 * the payment). The proposer can never confirm their own proposal.
 */
export async function resolveReview(db: Db, viewer: Viewer, raw: z.input<typeof resolveSchema>): Promise<StaffActionResult> {
  const denied = staffOnly(viewer, 'payments.resolve_review');
  if (denied) return denied;
  const parsed = resolveSchema.safeParse(raw);
  if (!parsed.success) return fail('invalid', parsed.error.issues[0].message);
  const input = parsed.data;
  const receipt = input.decision === 'accept' ? input.receipt : undefined;
  const amountMinor = input.decision === 'accept' ? input.amountKes : undefined;
  return db.transaction(async (tx) => {
    const current = await lockPayment(tx, input.paymentId);
    if (!current) return fail('not_found', 'Unknown payment.');
    if (current.status !== 'review') {
      return fail('conflict', `This payment is already ${STATUS_LABELS[current.status].toLowerCase()}; nothing changed.`);
    }
    if (receipt && current.method === 'mpesa') {
      const [other] = await tx.select({ ref: payments.reference }).from(payments).where(and(eq(payments.mpesaReceipt, receipt), ne(payments.id, current.id)));
      if (other) return fail('invalid', `Receipt ${receipt} already belongs to payment ${other.ref}.`);
    }
    const proposal = await openProposal(tx, current.id);
    if (!proposal) {
      if (input.decision === 'accept' && amountMinor === undefined) return fail('invalid', 'Enter the amount that arrived, as the statement shows it.');
      return propose(tx, viewer, current, { decision: input.decision, note: input.note, receipt: receipt ?? null, amountMinor: amountMinor ?? null });
    }
    if (proposal.decision !== input.decision || (receipt && receipt !== proposal.receipt) || (amountMinor !== undefined && amountMinor !== proposal.amountMinor)) {
      return fail(
        'conflict',
        `A colleague proposed to ${DECISION_WORDS[proposal.decision]}${proposal.amountMinor !== null ? ` (${formatKes(proposal.amountMinor)} arrived)` : ''}${proposal.receipt ? ` (receipt ${proposal.receipt})` : ''}. Confirm that, or decline their proposal with a note first. Nothing was changed.`,
      );
    }
    return confirm(tx, viewer, current, proposal, input.note);
  });
}

async function propose(
  tx: Tx,
  viewer: Viewer,
  payment: Payment,
  p: { decision: 'accept' | 'reject'; note: string; receipt: string | null; amountMinor: number | null },
): Promise<StaffActionResult> {
  const [proposal] = await tx
    .insert(reviewProposals)
    .values({ paymentId: payment.id, decision: p.decision, note: p.note, receipt: p.receipt, amountMinor: p.amountMinor, proposedBy: viewer.userId })
    .returning();
  await recordAudit(tx, {
    actorId: viewer.userId,
    action: 'payment.review_proposed',
    targetType: 'payment',
    targetId: payment.id,
    detail: { proposalId: proposal.id, decision: p.decision, note: p.note, receipt: p.receipt, amountMinor: payment.amountMinor, arrivedMinor: p.amountMinor },
  });
  return {
    ok: true,
    payment,
    message: `Your decision to ${DECISION_WORDS[p.decision]} is recorded. A different finance member must confirm it before anything changes.`,
  };
}

async function confirm(tx: Tx, viewer: Viewer, payment: Payment, proposal: ReviewProposal, confirmNote: string): Promise<StaffActionResult> {
  const step = approvalStep({ raisedBy: proposal.proposedBy, firstApprovedBy: proposal.firstApprovedBy, amountMinor: payment.amountMinor }, viewer.userId, secondApprovalAboveMinor());
  if (!step.ok) return fail('invalid', step.error.replace('You raised this', 'You proposed this decision'));
  const now = new Date();
  if (!step.final) {
    await tx.update(reviewProposals).set({ firstApprovedBy: viewer.userId, firstApprovedAt: now }).where(eq(reviewProposals.id, proposal.id));
    await recordAudit(tx, {
      actorId: viewer.userId,
      action: 'payment.review_first_approval',
      targetType: 'payment',
      targetId: payment.id,
      detail: { proposalId: proposal.id, decision: proposal.decision, note: confirmNote },
    });
    return { ok: true, payment, message: 'Your approval is recorded. This amount needs one more finance member to confirm it.' };
  }
  // Accepting credits what arrived, not what we asked for: the payment's amount becomes it.
  const credited = proposal.decision === 'accept' ? (proposal.amountMinor ?? payment.amountMinor) : null;
  if (credited !== null && credited !== payment.amountMinor) {
    await tx.update(payments).set({ amountMinor: credited, updatedAt: now }).where(eq(payments.id, payment.id));
  }
  const result =
    proposal.decision === 'accept'
      ? await completePayment(tx, {
          paymentId: payment.id,
          reason: `Accepted by staff: ${proposal.note}`,
          receipt: payment.method === 'mpesa' ? (proposal.receipt ?? undefined) : undefined,
        })
      : await closeUnpaid(tx, {
          paymentId: payment.id,
          to: 'failed',
          code: 'staff_rejected',
          staffDecision: true,
          // The holder sees this text; the staff notes stay in the audit log.
          reason: 'We could not confirm this payment. If money left your account, please contact us.',
        });
  if (!result.ok) return fail('conflict', 'Someone else resolved this payment first; nothing changed.');
  // Decided: out of the review queue. The original flag reason stays for the record.
  await tx.update(payments).set({ flagged: false }).where(eq(payments.id, payment.id));
  await tx
    .update(reviewProposals)
    .set({ status: 'confirmed', decidedBy: viewer.userId, decidedAt: now, decisionNote: confirmNote })
    .where(eq(reviewProposals.id, proposal.id));
  await recordAudit(tx, {
    actorId: viewer.userId,
    action: proposal.decision === 'accept' ? 'payment.accept' : 'payment.reject',
    targetType: 'payment',
    targetId: payment.id,
    detail: {
      from: payment.status,
      to: result.payment.status,
      proposalId: proposal.id,
      proposedBy: proposal.proposedBy,
      firstApprovedBy: proposal.firstApprovedBy,
      note: proposal.note,
      confirmNote,
      receipt: proposal.receipt,
      amountMinor: payment.amountMinor,
      creditedMinor: credited,
    },
  });
  return {
    ok: true,
    payment: { ...result.payment, flagged: false },
    message:
      proposal.decision === 'accept'
        ? `Confirmed: accepted as paid. ${formatKes(result.payment.amountMinor)} is booked to the policy.`
        : 'Confirmed: rejected. The payment is failed and nothing was credited.',
  };
}

/** Declines (or, for the proposer, withdraws) the open proposal; the payment stays in review. */
export async function declineReviewProposal(db: Db, viewer: Viewer, raw: z.input<typeof declineSchema>): Promise<StaffActionResult> {
  const denied = staffOnly(viewer, 'payments.resolve_review');
  if (denied) return denied;
  const parsed = declineSchema.safeParse(raw);
  if (!parsed.success) return fail('invalid', parsed.error.issues[0].message);
  return db.transaction(async (tx) => {
    const current = await lockPayment(tx, parsed.data.paymentId);
    if (!current) return fail('not_found', 'Unknown payment.');
    const proposal = current.status === 'review' ? await openProposal(tx, current.id) : undefined;
    if (!proposal) return fail('conflict', 'There is no open proposal on this payment; nothing changed.');
    await tx
      .update(reviewProposals)
      .set({ status: 'declined', decidedBy: viewer.userId, decidedAt: new Date(), decisionNote: parsed.data.note })
      .where(eq(reviewProposals.id, proposal.id));
    const own = proposal.proposedBy === viewer.userId;
    await recordAudit(tx, {
      actorId: viewer.userId,
      action: own ? 'payment.review_withdrawn' : 'payment.review_declined',
      targetType: 'payment',
      targetId: current.id,
      detail: { proposalId: proposal.id, decision: proposal.decision, note: parsed.data.note },
    });
    return {
      ok: true,
      payment: current,
      message: own ? 'Your proposal is withdrawn. The payment stays under review.' : 'Proposal declined. The payment stays under review for a new decision.',
    };
  });
}

export type OpenReviewProposal = ReviewProposal & { proposedByName: string; firstApprovedByName: string | null };

/** The open proposal on a payment, with who made it, for the staff payment page. */
export async function openReviewProposal(db: Queryable, paymentId: string): Promise<OpenReviewProposal | null> {
  const proposer = alias(users, 'proposer');
  const first = alias(users, 'first_approver');
  const [row] = await db
    .select({ p: reviewProposals, proposer: proposer.name, proposerEmail: proposer.email, first: first.name, firstEmail: first.email })
    .from(reviewProposals)
    .innerJoin(proposer, eq(proposer.id, reviewProposals.proposedBy))
    .leftJoin(first, eq(first.id, reviewProposals.firstApprovedBy))
    .where(and(eq(reviewProposals.paymentId, paymentId), eq(reviewProposals.status, 'open')))
    .orderBy(desc(reviewProposals.createdAt))
    .limit(1);
  if (!row) return null;
  return {
    ...row.p,
    proposedByName: row.proposer || row.proposerEmail,
    firstApprovedByName: row.p.firstApprovedBy ? row.first || row.firstEmail || 'a colleague' : null,
  };
}
