// Money moved by hand: allocating money received outside the app to a policy, and paying out a
// holder's credit. Raised by one staff member, approved by a different finance member (two above
// SECOND_APPROVAL_ABOVE_KES); who raised, who approved and when are on every row.
import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { ActionForm } from '@/components/staff/action-form';
import { ActionResults } from '@/components/staff/action-results';
import { FourEyesDecision } from '@/components/staff/four-eyes-decision';
import { canDo } from '@/lib/auth/roles';
import { formatDateTime } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { listMovements } from '@/lib/movements/movements';
import { requireStaff } from '@/lib/staff/session';
import { decideMovementAction, raiseMovementAction, recordPayoutAction } from './actions';

export const metadata: Metadata = { title: 'Money by hand · Staff' };
export const dynamic = 'force-dynamic';

const KIND = { allocation: 'Allocation to a policy', credit_payout: 'Credit pay-out' } as const;
const STATUS = {
  requested: { label: 'To approve', className: 'bg-amber-100 text-amber-900' },
  approved: { label: 'Approved', className: 'bg-sky-100 text-sky-900' },
  paid: { label: 'Paid out', className: 'bg-brand-100 text-brand-800' },
  rejected: { label: 'Rejected', className: 'bg-slate-200 text-slate-700' },
} as const;

export default async function MoneyByHandPage() {
  const viewer = await requireStaff('/staff/money', 'payments.view');
  const rows = await listMovements(await getDb(), viewer);
  const can = { raise: canDo(viewer, 'movements.raise'), decide: canDo(viewer, 'movements.decide'), payout: canDo(viewer, 'movements.record_payout') };
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Money by hand</h1>
      <ActionResults className="space-y-4">
        <div className="grid items-start gap-4 lg:grid-cols-3">
          {can.raise && (
            <section className="card space-y-3" aria-labelledby="raise-title">
              <h2 id="raise-title" className="font-semibold">Raise an allocation or a credit pay-out</h2>
              <p className="text-sm text-slate-600">A finance member other than you approves it before any money is booked.</p>
              <ActionForm action={raiseMovementAction} submitLabel="Raise" pendingLabel="Raising…" testId="raise-movement">
                <div>
                  <label htmlFor="mv-kind" className="label">What</label>
                  <select id="mv-kind" name="kind" className="field" defaultValue="allocation">
                    <option value="allocation">Allocate money received to a policy</option>
                    <option value="credit_payout">Pay out a holder&apos;s credit by M-Pesa</option>
                  </select>
                </div>
                <div>
                  <label htmlFor="mv-policy" className="label">Policy number</label>
                  <input id="mv-policy" name="policyNumber" required className="field font-mono uppercase" placeholder="MLP-MOT-240117" autoComplete="off" />
                </div>
                <div>
                  <label htmlFor="mv-amount" className="label">Amount (KES)</label>
                  <input id="mv-amount" name="amount" required inputMode="decimal" className="field" autoComplete="off" />
                </div>
                <div>
                  <label htmlFor="mv-code" className="label">M-Pesa code of the money received (allocations only)</label>
                  <input id="mv-code" name="mpesaCode" className="field font-mono uppercase" maxLength={12} placeholder="UKP1ABCDEF" autoComplete="off" />
                </div>
                <div>
                  <label htmlFor="mv-reason" className="label">Reason</label>
                  <textarea id="mv-reason" name="reason" required minLength={5} maxLength={500} rows={2} className="field" />
                </div>
              </ActionForm>
            </section>
          )}
          <section className={`space-y-3 ${can.raise ? 'lg:col-span-2' : 'lg:col-span-3'}`} aria-label="Movements">
            {rows.length === 0 && <p className="card text-slate-600">Nothing raised yet.</p>}
            <ul className="space-y-3">
              {rows.map(({ movement: m, ...r }) => {
                const own = m.raisedBy === viewer.userId;
                const firstByMe = m.firstApprovedBy === viewer.userId;
                const id = <input type="hidden" name="movementId" value={m.id} />;
                return (
                  <li key={m.id} className="card space-y-2" data-testid="movement">
                    <div className="flex flex-wrap items-start justify-between gap-2">
                      <div>
                        <p className="text-lg font-semibold tabular-nums">{formatKes(m.amountMinor)}</p>
                        <p className="text-sm">{KIND[m.kind]} · <span className="font-mono">{r.policyNumber}</span> · {r.holderName}</p>
                        {m.mpesaCode && <p className="text-xs text-slate-500">M-Pesa <span className="font-mono">{m.mpesaCode}</span></p>}
                      </div>
                      <span className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${STATUS[m.status].className}`}>
                        {m.kind === 'allocation' && m.status === 'approved' ? 'Approved and booked' : STATUS[m.status].label}
                      </span>
                    </div>
                    <blockquote className="rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-700">“{m.reason}”</blockquote>
                    <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs text-slate-600">
                      <dt className="font-medium">Raised by</dt>
                      <dd>{r.raisedByName} · {formatDateTime(m.createdAt)}</dd>
                      {m.firstApprovedBy && (
                        <>
                          <dt className="font-medium">First approval</dt>
                          <dd>{r.firstApproverName} · {m.firstApprovedAt ? formatDateTime(m.firstApprovedAt) : ''}</dd>
                        </>
                      )}
                      {m.decidedBy && (
                        <>
                          <dt className="font-medium">{m.status === 'rejected' ? 'Rejected by' : 'Approved by'}</dt>
                          <dd>{r.deciderName} · {m.decidedAt ? formatDateTime(m.decidedAt) : ''}</dd>
                        </>
                      )}
                    </dl>
                    {m.status === 'requested' && can.decide && (
                      <FourEyesDecision
                        action={decideMovementAction}
                        hidden={id}
                        raisedByMe={own}
                        approvedByMe={firstByMe}
                        what="this"
                        noteId={`mv-note-${m.id}`}
                        testId="decide-movement"
                      />
                    )}
                    {m.status === 'approved' && m.kind === 'credit_payout' && can.payout && (
                      <ActionForm action={recordPayoutAction} submitLabel="Record M-Pesa pay-out" pendingLabel="Recording…" testId="movement-payout">
                        {id}
                        <label htmlFor={`mv-pay-${m.id}`} className="label">M-Pesa transaction code of the pay-out</label>
                        <input id={`mv-pay-${m.id}`} name="mpesaCode" required className="field font-mono uppercase" maxLength={12} autoComplete="off" />
                      </ActionForm>
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        </div>
      </ActionResults>
    </div>
  );
}
