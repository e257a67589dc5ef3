// Everything a receipt shows, gathered once so the PDF, the email and the pages agree.
// Access goes through getPayment(viewer): a policyholder only ever gets their own receipts.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { installments, ledgerEntries, payments, policies, refunds, users } from '@/db/schema';
import { appOrigin } from '@/lib/env';
import { cardLabel } from '@/lib/payments/card/card-label';
import { balanceAfterPayment } from '@/lib/payments/core/ledger';
import { getPayment } from '@/lib/payments/queries';
import { maskPhoneLocal } from '@/lib/phone';
import type { Viewer } from '@/lib/viewer';
import { receiptNumberShape, receiptVerifyPath, signatureMatches } from './receipt-number';

export type ReceiptMethod =
  | { kind: 'mpesa'; receipt: string | null; phoneMasked: string | null }
  | { kind: 'card'; label: string };

export type ReceiptLine = { seq: number; dueDate: string; amountMinor: number };

export type ReceiptData = {
  paymentId: string;
  receiptNo: string;
  reference: string;
  policyNumber: string;
  product: string;
  payerName: string;
  amountMinor: number;
  currency: string;
  method: ReceiptMethod;
  paidAt: Date;
  installments: ReceiptLine[];
  /** Paid beyond the schedule and kept as credit on the policy. */
  creditMinor: number;
  balanceAfterMinor: number | null;
  verifyUrl: string;
};

/** The receipt for a completed payment the viewer may see; null otherwise (the caller answers 404). */
export async function loadReceipt(db: Queryable, viewer: Viewer, paymentId: string, origin = appOrigin()): Promise<ReceiptData | null> {
  const row = await getPayment(db, viewer, paymentId);
  // receiptNo is set by the database when the payment completes (and back-filled at start-up for
  // older payments), so a completed payment always has one.
  if (!row || row.payment.status !== 'completed' || !row.payment.receiptNo) return null;
  const p = row.payment;
  const [payer] = await db.select({ name: users.name }).from(users).where(eq(users.id, p.userId));
  // What this payment paid, from its own ledger lines (refund lines are separate kinds).
  const lines = await db
    .select({ amountMinor: ledgerEntries.amountMinor, seq: installments.seq, dueDate: installments.dueDate })
    .from(ledgerEntries)
    .leftJoin(installments, eq(installments.id, ledgerEntries.installmentId))
    .where(and(eq(ledgerEntries.paymentId, p.id), eq(ledgerEntries.kind, 'payment_received'), eq(ledgerEntries.account, 'holder')))
    .orderBy(asc(installments.seq), asc(ledgerEntries.id));
  const receiptNo = p.receiptNo!;
  return {
    paymentId: p.id,
    receiptNo,
    reference: p.reference,
    policyNumber: row.policyNumber,
    product: row.product,
    payerName: payer?.name ?? '',
    amountMinor: p.amountMinor,
    currency: p.currency,
    method:
      p.method === 'mpesa'
        ? { kind: 'mpesa', receipt: p.mpesaReceipt, phoneMasked: p.phone ? maskPhoneLocal(p.phone) : null }
        : { kind: 'card', label: cardLabel(p.cardBrand, p.cardLast4) },
    paidAt: p.completedAt ?? p.updatedAt,
    installments: lines
      .filter((l) => l.seq !== null && l.dueDate !== null)
      .map((l) => ({ seq: l.seq!, dueDate: l.dueDate!, amountMinor: -l.amountMinor })),
    creditMinor: lines.filter((l) => l.seq === null).reduce((s, l) => s - l.amountMinor, 0),
    balanceAfterMinor: await balanceAfterPayment(db, p.policyId, p.id),
    verifyUrl: `${origin}${receiptVerifyPath(receiptNo, true)}`,
  };
}

/** Money actually returned to the payer (refunds still being decided or processed do not count). */
export async function refundedMinor(db: Queryable, paymentId: string): Promise<number> {
  const [row] = await db
    .select({ total: sql<string>`coalesce(sum(${refunds.amountMinor}), 0)` })
    .from(refunds)
    .where(and(eq(refunds.paymentId, paymentId), eq(refunds.status, 'processed')));
  return Number(row?.total ?? 0);
}

export type ReceiptStanding = 'paid' | 'partly_refunded' | 'refunded';

export type VerifiedRefundNote = { noteNo: string; amountMinor: number; refundedAt: Date };

export type VerifiedReceipt = {
  receiptNo: string;
  amountMinor: number;
  paidAt: Date;
  policyNumberMasked: string;
  standing: ReceiptStanding;
  refundedMinor: number;
  /** The refund notes issued against this receipt, oldest first. */
  refundNotes: VerifiedRefundNote[];
  /** Set when the number checked was a refund note's: the page shows that note first. */
  checkedNote: VerifiedRefundNote | null;
  /** The link's signature matched (printed QR codes and shared links); false for a typed number. */
  signed: boolean;
};

/**
 * The public check behind the verification page: null unless the number is a receipt (or refund
 * note) we issued for a completed payment, and a signature, when given, matches it. Shows only
 * what a third party needs to trust the paper. Looks numbers up as stored: no secret involved, so
 * rotating AUTH_SECRET changes nothing here.
 */
export async function verifyReceipt(db: Queryable, input: string, signature?: string | null): Promise<VerifiedReceipt | null> {
  const shape = receiptNumberShape(input);
  if (!shape) return null;
  const signed = !!signature;
  if (signature && !signatureMatches(shape.receiptNo, signature)) return null;
  let paymentId: string | null = null;
  let checkedNote: VerifiedRefundNote | null = null;
  if (shape.kind === 'refund_note') {
    const [note] = await db
      .select({ paymentId: refunds.paymentId, noteNo: refunds.noteNo, amountMinor: refunds.amountMinor, completedAt: refunds.completedAt, updatedAt: refunds.updatedAt })
      .from(refunds)
      .where(and(eq(refunds.noteNo, shape.receiptNo), eq(refunds.status, 'processed')));
    if (!note) return null;
    paymentId = note.paymentId;
    checkedNote = { noteNo: note.noteNo!, amountMinor: note.amountMinor, refundedAt: note.completedAt ?? note.updatedAt };
  }
  const [row] = await db
    .select({ payment: payments, policyNumber: policies.number })
    .from(payments)
    .innerJoin(policies, eq(policies.id, payments.policyId))
    .where(and(paymentId ? eq(payments.id, paymentId) : eq(payments.receiptNo, shape.receiptNo), eq(payments.status, 'completed')));
  if (!row?.payment.receiptNo) return null;
  const notes = await refundNotesFor(db, row.payment.id);
  const refunded = notes.reduce((s, n) => s + n.amountMinor, 0);
  return {
    receiptNo: row.payment.receiptNo,
    amountMinor: row.payment.amountMinor,
    paidAt: row.payment.completedAt ?? row.payment.updatedAt,
    policyNumberMasked: maskPolicyNumber(row.policyNumber),
    standing: refunded <= 0 ? 'paid' : refunded >= row.payment.amountMinor ? 'refunded' : 'partly_refunded',
    refundedMinor: refunded,
    refundNotes: notes,
    checkedNote,
    signed,
  };
}

/** Refund notes of a payment: refunds whose money has gone back (each numbered by the database). */
export async function refundNotesFor(db: Queryable, paymentId: string): Promise<VerifiedRefundNote[]> {
  const rows = await db
    .select({ noteNo: refunds.noteNo, amountMinor: refunds.amountMinor, completedAt: refunds.completedAt, updatedAt: refunds.updatedAt })
    .from(refunds)
    .where(and(eq(refunds.paymentId, paymentId), eq(refunds.status, 'processed')))
    .orderBy(asc(refunds.completedAt));
  return rows.filter((r) => r.noteNo).map((r) => ({ noteNo: r.noteNo!, amountMinor: r.amountMinor, refundedAt: r.completedAt ?? r.updatedAt }));
}

/** "MLP-MOT-240117" -> "MLP-MOT-••••17": enough to match one's own papers, not to look anyone up. */
export function maskPolicyNumber(number: string): string {
  const cut = number.lastIndexOf('-');
  const [head, tail] = cut >= 0 ? [number.slice(0, cut + 1), number.slice(cut + 1)] : ['', number];
  if (tail.length <= 2) return `${head}${'•'.repeat(tail.length)}`;
  return `${head}${'•'.repeat(tail.length - 2)}${tail.slice(-2)}`;
}
