// The actions a payment allows right now, each a server action that answers in words.
import type { Payment } from '@/db/schema';
import { checkNowAction, clearFlagAction, loseCallbackAction, resolveReviewAction } from '@/app/staff/transactions/[id]/actions';
import { ActionForm } from './action-form';
import { ActionResults } from './action-results';

export function PaymentActionsPanel({ payment, sandbox }: { payment: Payment; sandbox: boolean }) {
  const gateway = payment.method === 'mpesa' ? 'M-Pesa' : 'Paystack';
  const id = <input type="hidden" name="paymentId" value={payment.id} />;
  return (
    <ActionResults className="space-y-4">
      {payment.status === 'pending' && (
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

      {payment.status === 'review' && (
        <section className="card space-y-2" aria-labelledby="resolve-title">
          <h2 id="resolve-title" className="font-semibold">Resolve this payment</h2>
          <p className="text-sm text-slate-600">
            Accept only if the money arrived (check the {gateway} statement). Accepting books it to the policy; rejecting credits nothing.
          </p>
          <ActionForm action={resolveReviewAction} submitLabel="Save decision" pendingLabel="Saving…" testId="resolve">
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

      {payment.flagged && payment.status !== 'review' && (
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

      {sandbox && payment.status === 'pending' && payment.method === 'mpesa' && payment.checkoutRequestId && (
        <section className="card space-y-2 border-dashed border-amber-400 bg-amber-50">
          <h2 className="font-semibold text-amber-950">Sandbox: lose the callback</h2>
          <p className="text-sm text-amber-900">
            Pays this prompt on the simulated phone without sending M-Pesa&apos;s callback, so you can practise recovering it with
            &ldquo;Check with the gateway now&rdquo;.
          </p>
          <ActionForm action={loseCallbackAction} submitLabel="Pay, but lose the callback" pendingLabel="Paying…" tone="secondary" testId="lose-callback">
            {id}
          </ActionForm>
        </section>
      )}

      {payment.status !== 'pending' && payment.status !== 'review' && !payment.flagged && (
        <p className="card text-sm text-slate-600">Nothing to do: this payment is final.</p>
      )}
    </ActionResults>
  );
}
