// Paybill money we could not match to a policy by itself (lib/paybill): a wrong or ambiguous account
// number, a payer name that does not match, or something held for review. Staff find the policy
// (number, holder name, phone), raise its allocation, and a second finance member approves it;
// the holder then gets the receipt. Money that belongs to no policy is marked for refund.
import type { Metadata } from 'next';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { ActionForm } from '@/components/staff/action-form';
import { ActionResults } from '@/components/staff/action-results';
import { FourEyesDecision } from '@/components/staff/four-eyes-decision';
import { canDo } from '@/lib/auth/roles';
import { formatDateTime } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { localPhone } from '@/lib/staff/format';
import { listPaybillQueue, searchPoliciesForAllocation, type PaybillQueueRow } from '@/lib/paybill/queue';
import { requireStaff, type StaffViewer } from '@/lib/staff/session';
import { attachPaybillToStkAction, decidePaybillAllocationAction, markPaybillRefundAction, raisePaybillAllocationAction } from './actions';

export const metadata: Metadata = { title: 'Unallocated Paybill payments · Staff' };
export const dynamic = 'force-dynamic';

const STATUS: Record<string, { label: string; className: string }> = {
  unallocated: { label: 'Unallocated', className: 'bg-amber-100 text-amber-900' },
  review: { label: 'To review', className: 'bg-red-100 text-red-900' },
  allocation_requested: { label: 'To approve', className: 'bg-sky-100 text-sky-900' },
  allocated: { label: 'Allocated', className: 'bg-brand-100 text-brand-800' },
  refund_marked: { label: 'To refund', className: 'bg-slate-200 text-slate-800' },
};

const searchSchema = z.object({ q: z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string().trim().max(80).optional().catch(undefined)) });

export default async function UnallocatedPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireStaff('/staff/unallocated', 'payments.view');
  const { q } = searchSchema.parse(await searchParams);
  const db = await getDb();
  const [{ open, decided }, found] = await Promise.all([listPaybillQueue(db, viewer), q ? searchPoliciesForAllocation(db, viewer, q) : Promise.resolve([])]);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Unallocated Paybill payments</h1>
      <p className="text-sm text-slate-700">
        Money paid to the Paybill from the M-Pesa menu that we could not match to a policy by itself. Allocating it needs a second finance member.
      </p>
      <section className="card space-y-3" aria-labelledby="find-title">
        <h2 id="find-title" className="font-semibold">Find a policy</h2>
        <form method="get" action="/staff/unallocated" className="flex flex-wrap items-end gap-2">
          <div className="min-w-0 flex-1">
            <label htmlFor="find-q" className="label">Policy number, holder name or phone</label>
            <input id="find-q" name="q" defaultValue={q ?? ''} className="field" autoComplete="off" placeholder="MLP-AFY-240342, Wanjiku, 0712 345 678" />
          </div>
          <button type="submit" className="btn-secondary">Search</button>
        </form>
        {q && (
          <ul className="divide-y divide-slate-100 text-sm" data-testid="policy-search-results" aria-label="Policies found">
            {found.length === 0 && <li className="py-2 text-slate-600">No policy matches “{q}”.</li>}
            {found.map((p) => (
              <li key={p.id} className="flex flex-wrap justify-between gap-x-3 py-2">
                <span className="font-mono font-semibold">{p.number}</span>
                <span>{p.holderName}{p.holderPhone ? ` · ${localPhone(p.holderPhone)}` : ''}</span>
                <span className="text-slate-600">{p.product} · {p.status}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <ActionResults className="space-y-3">
        <h2 className="font-semibold">Waiting ({open.length})</h2>
        {open.length === 0 && <p className="card text-slate-600">Nothing waiting: every Paybill payment has been matched.</p>}
        <ul className="space-y-3">
          {open.map((row) => <Item key={row.receipt.id} row={row} viewer={viewer} />)}
        </ul>
        {decided.length > 0 && (
          <>
            <h2 className="font-semibold">Recently decided</h2>
            <ul className="space-y-3">
              {decided.map((row) => <Item key={row.receipt.id} row={row} viewer={viewer} />)}
            </ul>
          </>
        )}
      </ActionResults>
    </div>
  );
}

function Item({ row, viewer }: { row: PaybillQueueRow; viewer: StaffViewer }) {
  const r = row.receipt;
  const status = STATUS[r.status] ?? { label: r.status, className: 'bg-slate-100' };
  const waiting = r.status === 'unallocated' || r.status === 'review';
  const own = r.raisedBy === viewer.userId;
  const firstByMe = r.firstApprovedBy === viewer.userId;
  const can = { allocate: canDo(viewer, 'paybill.allocate'), decide: canDo(viewer, 'paybill.decide'), refund: canDo(viewer, 'paybill.mark_refund') };
  const id = <input type="hidden" name="receiptId" value={r.id} />;
  return (
    <li className="card space-y-2" data-testid="paybill-item">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <p className="text-lg font-semibold tabular-nums">{formatKes(r.amountMinor)}</p>
          <p className="text-sm">
            Account typed: <span className="font-mono font-semibold" data-testid="paybill-account">{r.billRef || '(none)'}</span>
          </p>
          <p className="text-xs text-slate-600">
            M-Pesa <span className="font-mono">{r.transId}</span> · {formatDateTime(r.transTime)} · {r.payerName || 'no name'}
            {r.msisdn ? ` · ${r.msisdn.length > 20 ? `${r.msisdn.slice(0, 8)}… (hashed)` : r.msisdn}` : ''}
          </p>
        </div>
        <span className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${status.className}`}>{status.label}</span>
      </div>
      {r.reason && <p className="rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-800">{r.reason}</p>}
      {r.candidates.length > 0 && (
        <div className="text-sm">
          <p className="font-medium">Close to</p>
          <ul className="list-inside list-disc">
            {r.candidates.map((c) => (
              <li key={c.policyId}>
                <span className="font-mono">{c.number}</span>: {c.why}
              </li>
            ))}
          </ul>
        </div>
      )}
      {(r.raisedBy || r.decidedBy) && (
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs text-slate-600">
          {r.allocationPolicyId && (
            <>
              <dt className="font-medium">To policy</dt>
              <dd className="font-mono">{row.allocationNumber}</dd>
            </>
          )}
          {r.raisedBy && (
            <>
              <dt className="font-medium">Raised by</dt>
              <dd>{row.raisedByName} · {r.raisedAt ? formatDateTime(r.raisedAt) : ''}{r.allocationNote ? ` · “${r.allocationNote}”` : ''}</dd>
            </>
          )}
          {r.firstApprovedBy && (
            <>
              <dt className="font-medium">First approval</dt>
              <dd>{row.firstApproverName} · {r.firstApprovedAt ? formatDateTime(r.firstApprovedAt) : ''}</dd>
            </>
          )}
          {r.decidedBy && (
            <>
              <dt className="font-medium">{r.status === 'refund_marked' ? 'Marked by' : 'Approved by'}</dt>
              <dd>{row.deciderName} · {r.decidedAt ? formatDateTime(r.decidedAt) : ''}{r.decisionNote ? ` · “${r.decisionNote}”` : ''}</dd>
            </>
          )}
        </dl>
      )}
      {waiting && can.allocate && (
        <ActionForm action={raisePaybillAllocationAction} submitLabel="Raise allocation" pendingLabel="Raising…" testId="raise-paybill-allocation">
          {id}
          <div>
            <label htmlFor={`pb-policy-${r.id}`} className="label">Allocate to policy number</label>
            <input id={`pb-policy-${r.id}`} name="policyNumber" required className="field font-mono uppercase" autoComplete="off" defaultValue={r.candidates.length === 1 ? r.candidates[0].number : ''} />
          </div>
          <div>
            <label htmlFor={`pb-note-${r.id}`} className="label">Why this policy (required)</label>
            <textarea id={`pb-note-${r.id}`} name="note" required minLength={3} maxLength={1000} rows={2} className="field" />
          </div>
        </ActionForm>
      )}
      {waiting && can.decide && (
        <details className="text-sm">
          <summary className="cursor-pointer font-medium">Is it an M-Pesa prompt payment already confirmed? Attach its receipt</summary>
          <ActionForm action={attachPaybillToStkAction} submitLabel="Attach receipt" pendingLabel="Saving…" tone="secondary" testId="attach-paybill-stk">
            {id}
            <label htmlFor={`pb-stk-${r.id}`} className="label">Reference of the prompt payment</label>
            <input id={`pb-stk-${r.id}`} name="paymentReference" required className="field font-mono uppercase" autoComplete="off" placeholder="MLP-7K3Q9XWD" />
            <label htmlFor={`pb-stk-note-${r.id}`} className="label">Note (required)</label>
            <textarea id={`pb-stk-note-${r.id}`} name="note" required minLength={3} maxLength={1000} rows={2} className="field" />
          </ActionForm>
        </details>
      )}
      {waiting && can.refund && (
        <details className="text-sm">
          <summary className="cursor-pointer font-medium">Belongs to no policy? Mark for refund</summary>
          <ActionForm action={markPaybillRefundAction} submitLabel="Mark for refund" pendingLabel="Saving…" tone="danger" testId="mark-paybill-refund">
            {id}
            <label htmlFor={`pb-refund-${r.id}`} className="label">Note (required)</label>
            <textarea id={`pb-refund-${r.id}`} name="note" required minLength={3} maxLength={1000} rows={2} className="field" />
          </ActionForm>
        </details>
      )}
      {r.status === 'allocation_requested' && can.decide && (
        <FourEyesDecision
          action={decidePaybillAllocationAction}
          hidden={id}
          raisedByMe={own}
          approvedByMe={firstByMe}
          what="this"
          noteId={`pb-decide-${r.id}`}
          testId="decide-paybill-allocation"
        />
      )}
    </li>
  );
}
