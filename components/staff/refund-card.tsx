// One refund request as staff see it, with the decision that fits its state.
import Link from 'next/link';
import { decideRefundAction, mpesaPayoutAction, resendRefundAction } from '@/app/staff/refunds/actions';
import type { listStaffRefunds } from '@/lib/refunds/queries';
import { formatKes } from '@/lib/money';
import { localPhone, methodLabel } from '@/lib/staff/format';
import { ActionForm } from './action-form';
import { FourEyesDecision } from './four-eyes-decision';
import { RefundBadge } from '@/components/refunds/refund-badge';
import { formatDateTime } from '@/lib/format';

type Row = Awaited<ReturnType<typeof listStaffRefunds>>[number];

/** What the viewer's role allows (lib/auth/roles.ts); the server actions check again. */
export type RefundPermissions = { decide: boolean; payout: boolean; resend: boolean; viewerId: string };

export function RefundCard({ row, can }: { row: Row; can: RefundPermissions }) {
  const r = row.refund;
  const raiserId = r.requestedBy ?? r.userId;
  const ownRaise = raiserId === can.viewerId;
  const alreadyFirst = r.firstApprovedBy === can.viewerId;
  const id = <input type="hidden" name="refundId" value={r.id} />;
  const card = row.method === 'card';
  return (
    <li className="card space-y-3" data-testid="staff-refund" data-refund-id={r.id}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <p className="text-lg font-semibold tabular-nums">
            {formatKes(r.amountMinor)} <span className="text-sm font-normal text-slate-600">of {formatKes(row.paymentAmountMinor)}</span>
          </p>
          <p className="text-sm">
            {row.holderName} · {row.holderEmail}
            {row.holderPhone ? ` · ${localPhone(row.holderPhone)}` : ''}
          </p>
          <p className="text-xs text-slate-600">
            {methodLabel({ method: row.method, cardBrand: row.cardBrand, cardLast4: row.cardLast4 })} ·{' '}
            <Link href={`/staff/transactions/${row.paymentId}`} className="font-mono text-brand-700 hover:underline">{row.paymentReference}</Link>
            {row.mpesaReceipt ? <> · <span className="font-mono">{row.mpesaReceipt}</span></> : null} · {row.policyNumber} · asked{' '}
            {formatDateTime(r.createdAt, { seconds: true })}
          </p>
        </div>
        <RefundBadge status={r.status} />
      </div>
      <blockquote className="rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-700">“{r.reason}”</blockquote>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs text-slate-600" data-testid="refund-approvals">
        <dt className="font-medium">Raised by</dt>
        <dd data-testid="refund-raised-by">
          {row.raisedByName ?? 'the holder'}
          {row.raisedByRole === 'policyholder' ? ' (holder)' : row.raisedByRole ? ` (${row.raisedByRole})` : ''} · {formatDateTime(r.createdAt)}
        </dd>
        {r.firstApprovedBy && (
          <>
            <dt className="font-medium">First approval</dt>
            <dd data-testid="refund-first-approval">{row.firstApproverName} · {r.firstApprovedAt ? formatDateTime(r.firstApprovedAt) : ''}</dd>
          </>
        )}
        {r.decidedBy && (
          <>
            <dt className="font-medium">{r.status === 'rejected' ? 'Rejected by' : 'Approved by'}</dt>
            <dd data-testid="refund-decided-by">{row.deciderName} · {r.decidedAt ? formatDateTime(r.decidedAt) : ''}</dd>
          </>
        )}
      </dl>
      {r.decisionNote && (
        <p className="text-sm text-slate-600">
          <span className="font-medium">Decision note:</span> {r.decisionNote}
          {r.decidedAt ? ` (${formatDateTime(r.decidedAt, { seconds: true })})` : ''}
        </p>
      )}
      {r.noteNo && (
        <p className="text-sm text-slate-600">
          Refund note <span className="font-mono">{r.noteNo}</span> ·{' '}
          <a href={`/api/v1/refunds/${r.id}/note`} className="font-semibold text-brand-700 underline" download>PDF</a>
        </p>
      )}
      {r.gatewayReference && <p className="text-sm text-slate-600">{card ? 'Paystack refund id' : 'M-Pesa pay-out'}: <span className="font-mono">{r.gatewayReference}</span></p>}
      {r.failureReason && <p className="rounded-lg bg-orange-50 px-3 py-2 text-sm text-orange-950">{r.failureReason}</p>}

      {r.status === 'requested' && can.decide && (
        <FourEyesDecision
          action={decideRefundAction}
          hidden={id}
          raisedByMe={ownRaise}
          approvedByMe={alreadyFirst}
          what="this refund"
          noteId={`note-${r.id}`}
          noteLabel="Note (required; the holder sees it if you reject)"
          testId="decide-refund"
        >
          <p className="text-xs text-slate-600">
            {card ? 'Approving sends the refund to Paystack at once.' : 'Approving asks you to pay it out by M-Pesa and record the code.'}
          </p>
        </FourEyesDecision>
      )}
      {r.status === 'approved' && !card && can.payout && (
        <ActionForm action={mpesaPayoutAction} submitLabel="Record M-Pesa pay-out" pendingLabel="Recording…" testId="mpesa-payout">
          {id}
          <p className="text-sm text-slate-600">Send {formatKes(r.amountMinor)} to {localPhone(row.holderPhone) || 'the holder'} by M-Pesa, then enter the transaction code.</p>
          <div>
            <label htmlFor={`ref-${r.id}`} className="label">M-Pesa transaction code</label>
            <input id={`ref-${r.id}`} name="reference" required className="field font-mono uppercase" maxLength={12} placeholder="UKP1ABCDEF" autoComplete="off" />
          </div>
        </ActionForm>
      )}
      {r.status === 'approved' && card && !r.gatewayReference && can.resend && (
        <ActionForm action={resendRefundAction} submitLabel="Send to Paystack again" pendingLabel="Sending…" tone="secondary" testId="resend-refund">
          {id}
          <p className="text-sm text-slate-600">Only if Paystack&apos;s dashboard shows no refund for this payment: sending twice could refund twice.</p>
        </ActionForm>
      )}
    </li>
  );
}
