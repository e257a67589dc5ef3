// The actions a payment allows right now, each a server action that answers in words.
import type { Payment } from '@/db/schema';
import { checkNowAction, clearFlagAction, declineReviewAction, loseCallbackAction, raiseRefundAction, resendReceiptAction, resolveReviewAction, wrongAmountAction } from '@/app/staff/transactions/[id]/actions';
import type { OpenReviewProposal } from '@/lib/staff/review-decision';
import { formatKes } from '@/lib/money';
import type { StaffAction } from '@/lib/auth/roles';
import { ActionForm } from './action-form';
import { ActionResults } from './action-results';

/** The actions this viewer's role allows (lib/auth/roles.ts); the server checks again. */
export type PaymentPermissions = Partial<Record<StaffAction, boolean>>;

export function PaymentActionsPanel({
  payment,
  sandbox,
  can,
  proposal = null,
  viewerId,
}: {
  payment: Payment;
  sandbox: boolean;
  can: PaymentPermissions;
  /** The open four-eyes proposal on a payment in review (lib/staff/review-decision.ts). */
  proposal?: OpenReviewProposal | null;
  viewerId?: string;
}) {
  const gateway = payment.method === 'mpesa' ? 'M-Pesa' : 'Paystack';
  const id = <input type="hidden" name="paymentId" value={payment.id} />;
  return (
    <ActionResults className="space-y-4">
      {payment.status === 'pending' && can['payments.check_gateway'] && (
        <section className="card space-y-2">
          <h2 className="font-semibold">Check with the gateway now</h2>
          <p className="text-sm text-slate-600">
            Asks {gateway} for this payment&apos;s result ({payment.method === 'mpesa' ? 'STK Query' : 'verify'}) and applies it, as the
            automatic checks would.
          </p>
          <ActionForm action={checkNowAction} submitLabel="Check with the gateway now" pendingLabel={`Asking ${gateway}…`} testId="check-now">
            {id}
          </ActionForm>
        </section>
      )}

      {payment.status === 'review' && can['payments.resolve_review'] && !proposal && (
        <section className="card space-y-2" aria-labelledby="resolve-title">
          <h2 id="resolve-title" className="font-semibold">Resolve this payment</h2>
          <p className="text-sm text-slate-600">
            Accept only if the money arrived (check the {gateway} statement). Accepting books it to the policy; rejecting credits nothing. A
            different finance member must confirm your decision before it takes effect.
          </p>
          <ActionForm action={resolveReviewAction} submitLabel="Propose decision" pendingLabel="Saving…" testId="resolve">
            {id}
            <fieldset className="grid grid-cols-2 gap-2">
              <legend className="label">Decision</legend>
              <label className="flex min-h-12 items-center gap-2 rounded-xl border border-slate-300 px-3">
                <input type="radio" name="decision" value="accept" required /> Accept as paid
              </label>
              <label className="flex min-h-12 items-center gap-2 rounded-xl border border-slate-300 px-3">
                <input type="radio" name="decision" value="reject" required /> Reject
              </label>
            </fieldset>
            <div>
              <label htmlFor="arrived" className="label">Amount that arrived, KES (to accept)</label>
              <input id="arrived" name="amountKes" inputMode="decimal" className="field tabular-nums" placeholder={(payment.amountMinor / 100).toFixed(2)} autoComplete="off" aria-describedby="arrived-hint" />
              <p id="arrived-hint" className="mt-1 text-xs text-slate-600">As the statement shows it. That is what gets credited, even if it differs from the {formatKes(payment.amountMinor)} asked.</p>
            </div>
            {payment.method === 'mpesa' && (
              <div>
                <label htmlFor="receipt" className="label">M-Pesa receipt (optional)</label>
                <input id="receipt" name="receipt" className="field font-mono uppercase" maxLength={10} placeholder="UKP1ABCDEF" autoComplete="off" />
              </div>
            )}
            <div>
              <label htmlFor="resolve-note" className="label">Note (required)</label>
              <textarea id="resolve-note" name="note" required minLength={5} maxLength={1000} rows={3} className="field" placeholder="What you checked and why" />
            </div>
          </ActionForm>
        </section>
      )}

      {payment.status === 'review' && can['payments.resolve_review'] && proposal && (
        <section className="card space-y-3" aria-labelledby="proposal-title" data-testid="review-proposal">
          <h2 id="proposal-title" className="font-semibold">
            {proposal.decision === 'accept' ? 'Proposed: accept as paid' : 'Proposed: reject'}
          </h2>
          {proposal.decision === 'accept' && proposal.amountMinor !== null && (
            <p className="text-sm font-semibold tabular-nums" data-testid="proposal-amount">
              {formatKes(proposal.amountMinor)} arrived{proposal.amountMinor !== payment.amountMinor ? ` (we asked for ${formatKes(payment.amountMinor)})` : ''}
            </p>
          )}
          <p className="text-sm text-slate-700">
            By {proposal.proposedByName}
            {proposal.receipt && (
              <>
                {' '}· receipt <span className="font-mono">{proposal.receipt}</span>
              </>
            )}
            {proposal.firstApprovedByName && <> · approved once by {proposal.firstApprovedByName}</>}
          </p>
          <blockquote className="rounded-xl bg-slate-50 px-3 py-2 text-sm text-slate-800">{proposal.note}</blockquote>
          {proposal.proposedBy === viewerId ? (
            <p className="text-sm text-slate-600">Waiting for a different finance member to confirm it.</p>
          ) : (
            <ActionForm action={resolveReviewAction} submitLabel="Confirm decision" pendingLabel="Confirming…" testId="confirm-review">
              {id}
              <input type="hidden" name="decision" value={proposal.decision} />
              <input type="hidden" name="receipt" value={proposal.receipt ?? ''} />
              <input type="hidden" name="amountKes" value={proposal.amountMinor === null ? '' : (proposal.amountMinor / 100).toFixed(2)} />
              <div>
                <label htmlFor="confirm-note" className="label">What you checked (required)</label>
                <textarea id="confirm-note" name="note" required minLength={5} maxLength={1000} rows={2} className="field" />
              </div>
            </ActionForm>
          )}
          <details className="text-sm">
            <summary className="cursor-pointer font-medium text-brand-700">
              {proposal.proposedBy === viewerId ? 'Withdraw my proposal' : 'Decline this proposal'}
            </summary>
            <ActionForm
              action={declineReviewAction}
              submitLabel={proposal.proposedBy === viewerId ? 'Withdraw' : 'Decline'}
              pendingLabel="Saving…"
              tone="secondary"
              testId="decline-review"
            >
              {id}
              <div>
                <label htmlFor="decline-note" className="label">Why (required)</label>
                <textarea id="decline-note" name="note" required minLength={5} maxLength={1000} rows={2} className="field" />
              </div>
            </ActionForm>
          </details>
        </section>
      )}

      {payment.flagged && payment.status !== 'review' && can['payments.clear_flag'] && (
        <section className="card space-y-2">
          <h2 className="font-semibold">Mark as checked</h2>
          <p className="text-sm text-slate-600">Takes it out of the flagged queue. The flag reason stays in the record.</p>
          <ActionForm action={clearFlagAction} submitLabel="Mark as checked" pendingLabel="Saving…" tone="secondary" testId="clear-flag">
            {id}
            <div>
              <label htmlFor="clear-note" className="label">Note (required)</label>
              <textarea id="clear-note" name="note" required minLength={5} maxLength={1000} rows={2} className="field" />
            </div>
          </ActionForm>
        </section>
      )}

      {payment.status === 'completed' && can['receipts.resend'] && (
        <section className="card space-y-2">
          <h2 className="font-semibold">Send the receipt again</h2>
          <p className="text-sm text-slate-600">Emails the holder the same receipt (same number) with the PDF attached.</p>
          <ActionForm action={resendReceiptAction} submitLabel="Send receipt again" pendingLabel="Sending…" tone="secondary" testId="resend-receipt">
            {id}
          </ActionForm>
        </section>
      )}

      {payment.status === 'completed' && can['refunds.raise'] && (
        <section className="card space-y-2" aria-labelledby="raise-refund-title">
          <h2 id="raise-refund-title" className="font-semibold">Raise a refund for the holder</h2>
          <p className="text-sm text-slate-600">For a holder who asked by phone or in person. A finance member other than you approves it.</p>
          <ActionForm action={raiseRefundAction} submitLabel="Raise refund" pendingLabel="Raising…" tone="secondary" testId="raise-refund">
            {id}
            <div>
              <label htmlFor="raise-amount" className="label">Amount to refund (KES)</label>
              <input id="raise-amount" name="amount" required inputMode="decimal" className="field" autoComplete="off" />
            </div>
            <div>
              <label htmlFor="raise-reason" className="label">Reason the holder gave</label>
              <textarea id="raise-reason" name="reason" required minLength={5} maxLength={500} rows={2} className="field" />
            </div>
          </ActionForm>
        </section>
      )}

      {sandbox && can['sandbox.tools'] && payment.status === 'pending' && payment.method === 'mpesa' && payment.checkoutRequestId && (
        <section className="card space-y-2 border-dashed border-amber-400 bg-amber-50">
          <h2 className="font-semibold text-amber-950">Sandbox: lose the callback, or pay the wrong amount</h2>
          <p className="text-sm text-amber-900">
            Pays this prompt on the simulated phone without sending M-Pesa&apos;s callback, so you can practise recovering it with
            &ldquo;Check with the gateway now&rdquo;.
          </p>
          <ActionForm action={loseCallbackAction} submitLabel="Pay, but lose the callback" pendingLabel="Paying…" tone="secondary" testId="lose-callback">
            {id}
          </ActionForm>
          <p className="text-sm text-amber-900">Or pay KES 1 less than asked, so M-Pesa&apos;s callback puts the payment under review.</p>
          <ActionForm action={wrongAmountAction} submitLabel="Pay a different amount" pendingLabel="Paying…" tone="secondary" testId="wrong-amount">
            {id}
          </ActionForm>
        </section>
      )}

      {payment.status !== 'pending' && payment.status !== 'review' && !payment.flagged && !(payment.status === 'completed' && (can['receipts.resend'] || can['refunds.raise'])) && (
        <p className="card text-sm text-slate-600">Nothing to do: this payment is final.</p>
      )}
    </ActionResults>
  );
}
