// M-Pesa (Daraja STK Push) as the payment core sees it: each wire message in, a verdict out.
// Pure: no database, no status writes (the core applies verdicts). Facts: docs/daraja.md.
import type { StkPushResult, StkQueryResult } from '@/lib/gateways/daraja/client';
import { describeResultCode } from '@/lib/gateways/daraja/result-codes';
import type { StkCallback } from '@/lib/gateways/daraja/schemas';
import { formatKes } from '@/lib/money';
import type { Verdict } from '../core/verdict';

const MAX_STK_SHILLINGS = 250_000; // Daraja's per-transaction ceiling (docs/daraja.md §3.2)

/** Why this amount cannot be sent as an STK Push, or null. */
export function mpesaAmountProblem(amountMinor: number): string | null {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 100 || amountMinor % 100 !== 0) {
    return 'M-Pesa takes whole shillings: enter an amount of at least KES 1 with no cents.';
  }
  if (amountMinor > MAX_STK_SHILLINGS * 100) return `M-Pesa accepts at most ${formatKes(MAX_STK_SHILLINGS * 100)} in one payment.`;
  return null;
}

/** AccountReference: at most 12 letters and digits (docs/daraja.md §3.2); holders copy this form. */
export function stkAccountReference(policyNumber: string): string {
  return policyNumber.replace(/[^A-Za-z0-9]/g, '').slice(-12);
}

/** A push Daraja refused, or whose answer never came. */
export function failedPushVerdict(push: Extract<StkPushResult, { ok: false }>): Verdict {
  // Refused for sure: failed. Unknown (timeout, 5xx): a prompt may have reached the phone, so it
  // is closed as expired and asked about again; a late callback on its URL still completes it.
  return push.kind === 'unknown'
    ? { kind: 'not_paid', status: 'expired', code: push.code, message: push.message, via: 'STK Push', recheck: true }
    : { kind: 'not_paid', status: 'failed', code: push.code, message: push.message, via: 'STK Push' };
}

/** The STK callback (docs/daraja.md §6), checked against what we asked for. */
export function stkCallbackVerdict(cb: StkCallback, expected: { amountMinor: number; phone: string | null }): Verdict {
  const ids = { checkoutRequestId: cb.checkoutRequestId, merchantRequestId: cb.merchantRequestId };
  const code = describeResultCode(cb.resultCode);
  const via = 'STK callback';
  if (code.outcome === 'completed') {
    const problem =
      cb.amountMinor === null
        ? 'Success callback without an Amount.'
        : !cb.receipt
          ? 'Success callback without an M-Pesa receipt number.'
          : expected.phone && cb.phone && cb.phone !== expected.phone
            ? `Paid from ${cb.phone}, prompted ${expected.phone}.`
            : null;
    if (problem) return { kind: 'mismatch', reason: problem, via, ids };
    return { kind: 'paid', amountMinor: cb.amountMinor!, currency: 'KES', receipt: cb.receipt, via, ids };
  }
  if (code.outcome === 'failed' || code.outcome === 'cancelled' || code.outcome === 'expired') {
    return { kind: 'not_paid', status: code.outcome, code: cb.resultCode, message: code.message, via, ids };
  }
  if (code.outcome === 'pending') return { kind: 'unknown', detail: `still processing (${cb.resultCode})`, via };
  // A code we do not know is no proof the customer did not pay (docs/daraja.md §7).
  return { kind: 'mismatch', reason: `Unknown M-Pesa result ${cb.resultCode}: ${cb.resultDesc}`, via, ids };
}

/**
 * An STK Query answer (docs/daraja.md §5): proves payment, but carries no receipt and no
 * amount. A push cannot be paid with another amount, so "paid" is for the amount we asked.
 */
export function stkQueryVerdict(answer: StkQueryResult, expected: { amountMinor: number }): Verdict {
  const via = 'STK Query';
  if (answer.state === 'no_answer') return { kind: 'unknown', detail: answer.detail, via, ...(answer.notFound ? { notFound: true } : {}) };
  if (answer.state === 'pending') return { kind: 'unknown', detail: `still processing (${answer.resultCode})`, via };
  const code = describeResultCode(answer.resultCode);
  if (code.outcome === 'completed') {
    return { kind: 'paid', amountMinor: expected.amountMinor, currency: 'KES', receipt: null, via, flag: 'Confirmed by STK Query; M-Pesa receipt number not yet known.' };
  }
  if (code.outcome === 'failed' || code.outcome === 'cancelled' || code.outcome === 'expired') {
    return { kind: 'not_paid', status: code.outcome, code: answer.resultCode, message: code.message, via };
  }
  if (code.outcome === 'pending') return { kind: 'unknown', detail: `still processing (${answer.resultCode})`, via };
  return { kind: 'mismatch', reason: `Unknown STK Query result ${answer.resultCode}: ${answer.resultDesc}`, via };
}
