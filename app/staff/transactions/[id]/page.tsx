import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { StatusBadge } from '@/components/payments/status-badge';
import { LiveStatusRefresh } from '@/components/staff/live-status-refresh';
import { PaymentActionsPanel } from '@/components/staff/payment-actions-panel';
import { openReviewProposal } from '@/lib/staff/review-decision';
import { PaymentTimeline } from '@/components/staff/payment-timeline';
import { RefundBadge } from '@/components/refunds/refund-badge';
import { darajaSandboxEnabled } from '@/lib/env';
import { formatKes } from '@/lib/money';
import { localPhone, methodLabel } from '@/lib/staff/format';
import { getStaffPayment } from '@/lib/staff/payment-detail';
import { requireStaff } from '@/lib/staff/session';
import { canDo, STAFF_ACTION_NAMES } from '@/lib/auth/roles';
import type { Viewer } from '@/lib/viewer';

const permissionsOf = (viewer: Viewer) => Object.fromEntries(STAFF_ACTION_NAMES.map((a) => [a, canDo(viewer, a)]));
import { DetailRow } from '@/components/detail-row';
import { formatDateTime } from '@/lib/format';

export const metadata: Metadata = { title: 'Transaction · Staff' };
export const dynamic = 'force-dynamic';

export default async function StaffTransactionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await requireStaff(`/staff/transactions/${id}`, 'payments.view');
  const data = await getStaffPayment(await getDb(), viewer, id);
  if (!data) notFound();
  const { payment: p, holder, policy, ledger, refunds, timeline } = data;
  const proposal = p.status === 'review' ? await openReviewProposal(await getDb(), p.id) : null;
  return (
    <div className="space-y-4">
      <Link href="/staff/transactions" className="text-sm font-medium text-brand-700">← All transactions</Link>
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold tabular-nums" data-testid="payment-amount">{formatKes(p.amountMinor)}</h1>
        <StatusBadge status={p.status} />
        <span className="font-mono text-sm text-slate-600">{p.reference}</span>
        <LiveStatusRefresh paymentId={p.id} status={p.status} />
      </header>
      {p.flagged && (
        <p className="rounded-xl bg-orange-50 px-4 py-3 text-sm text-orange-950" data-testid="flag-reason">
          <strong>Flagged:</strong> {p.flagReason}
        </p>
      )}
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <div className="min-w-0 space-y-4 lg:col-span-2">
          <section className="card grid gap-4 sm:grid-cols-2">
            <div>
              <h2 className="mb-1 font-semibold">Payment</h2>
              <dl className="space-y-1 text-sm">
                <DetailRow label="Method">{methodLabel(p)}</DetailRow>
                {p.phone && <DetailRow label="Phone">{localPhone(p.phone)}</DetailRow>}
                {p.mpesaReceipt && <DetailRow label="M-Pesa receipt"><span className="font-mono">{p.mpesaReceipt}</span></DetailRow>}
                {p.checkoutRequestId && <DetailRow label="CheckoutRequestID"><span className="break-all font-mono text-xs">{p.checkoutRequestId}</span></DetailRow>}
                {p.paystackReference && <DetailRow label="Paystack reference"><span className="font-mono">{p.paystackReference}</span></DetailRow>}
                <DetailRow label="Started">{formatDateTime(p.createdAt, { seconds: true })}</DetailRow>
                {p.completedAt && <DetailRow label="Confirmed">{formatDateTime(p.completedAt, { seconds: true })}</DetailRow>}
                {p.failureReason && <DetailRow label="Why not paid">{p.failureReason}</DetailRow>}
              </dl>
            </div>
            <div>
              <h2 className="mb-1 font-semibold">Holder and policy</h2>
              <dl className="space-y-1 text-sm">
                <DetailRow label="Name">{holder.name}</DetailRow>
                <DetailRow label="Email"><a className="text-brand-700" href={`mailto:${holder.email}`}>{holder.email}</a></DetailRow>
                {holder.phone && <DetailRow label="Phone"><a className="text-brand-700" href={`tel:+${holder.phone}`}>{localPhone(holder.phone)}</a></DetailRow>}
                <DetailRow label="Policy"><span className="font-mono">{policy.number}</span></DetailRow>
                <DetailRow label="Product">{policy.product}</DetailRow>
              </dl>
            </div>
          </section>

          <section className="card">
            <h2 className="mb-2 font-semibold">Ledger lines</h2>
            {ledger.length === 0 ? (
              <p className="text-sm text-slate-600">Nothing booked: this payment has not credited the policy.</p>
            ) : (
              <ul className="divide-y divide-slate-100 text-sm" data-testid="ledger-lines">
                {ledger.map((l) => (
                  <li key={l.id} className="flex items-start justify-between gap-3 py-2">
                    <span>
                      <span className="font-medium">{l.memo}</span>
                      <span className="block text-xs text-slate-600">
                        {l.kind} · {l.account === 'agent' ? 'agent account' : 'holder balance'} · {formatDateTime(l.createdAt, { seconds: true })}
                      </span>
                    </span>
                    <span className={`whitespace-nowrap font-semibold tabular-nums ${l.amountMinor < 0 ? 'text-brand-700' : ''}`}>{formatKes(l.amountMinor)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>

          {refunds.length > 0 && (
            <section className="card">
              <h2 className="mb-2 font-semibold">Refunds</h2>
              <ul className="divide-y divide-slate-100 text-sm">
                {refunds.map((r) => (
                  <li key={r.id} className="flex items-center justify-between gap-3 py-2">
                    <span>{formatKes(r.amountMinor)} · {r.reason}</span>
                    <RefundBadge status={r.status} />
                  </li>
                ))}
              </ul>
              <Link href="/staff/refunds" className="mt-2 inline-block text-sm font-medium text-brand-700">Decide refunds →</Link>
            </section>
          )}

          <section className="card">
            <h2 className="mb-3 font-semibold">Timeline</h2>
            <PaymentTimeline entries={timeline} />
          </section>
        </div>
        <aside className="order-first min-w-0 lg:order-none">
          <PaymentActionsPanel payment={p} sandbox={darajaSandboxEnabled()} can={permissionsOf(viewer)} proposal={proposal} viewerId={viewer.userId} />
        </aside>
      </div>
    </div>
  );
}
