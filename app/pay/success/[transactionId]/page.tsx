import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { requireHolder } from '@/lib/auth/session';
import { formatDateTime } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { maskPhoneLocal } from '@/lib/phone';
import { cardLabel } from '@/lib/payments/card/card-label';
import { balanceAfterPayment } from '@/lib/payments/core/ledger';
import { getPayment } from '@/lib/payments/queries';
import { ShareReceiptButton } from '@/components/receipts/share-receipt';
import { appOrigin } from '@/lib/env';
import { receiptVerifyPath } from '@/lib/receipts/receipt-number';
import { DetailRow } from '@/components/detail-row';
import { StatusBadge } from '@/components/payments/status-badge';
import { refundStateOf } from '@/lib/payments/refunded';
import { refundedMinorOf } from '@/lib/payments/refunded-query';
import { refundableMinor } from '@/lib/refunds/request';

export const metadata: Metadata = { title: 'Payment received' };

export default async function SuccessPage({ params }: { params: Promise<{ transactionId: string }> }) {
  const { transactionId } = await params;
  const viewer = await requireHolder(`/pay/success/${transactionId}`, `/staff/transactions/${encodeURIComponent(transactionId)}`, { allowPayer: true });
  const db = await getDb();
  const row = await getPayment(db, viewer, transactionId);
  if (!row) notFound();
  const p = row.payment;
  if (p.status !== 'completed') redirect(p.method === 'mpesa' ? `/pay/mpesa/${p.id}` : `/pay/card/${p.id}`);
  // The same figure as the PDF receipt (stays put when part of the payment is refunded later).
  const [balance, refundedMinor, stillRefundable] = await Promise.all([
    balanceAfterPayment(db, p.policyId, p.id),
    refundedMinorOf(db, p.id),
    refundableMinor(db, p),
  ]);
  const refund = refundStateOf({ ...p, refundedMinor });
  // Stored when the payment completed (the database assigns it); the link is signed.
  const receiptNo = p.receiptNo ?? '';
  const verifyUrl = `${appOrigin()}${receiptVerifyPath(receiptNo, true)}`;
  return (
    <div className="mx-auto max-w-md space-y-4">
      <div className="card space-y-1 text-center">
        <div className="mx-auto grid size-12 place-items-center rounded-full bg-brand-100 text-2xl text-brand-700" aria-hidden>✓</div>
        <h1 className="text-xl font-bold">Payment received</h1>
        <p className="text-3xl font-bold" data-testid="success-amount">{formatKes(p.amountMinor)}</p>
        <p className="text-slate-700">{row.product}</p>
        {refund && (
          <p className="pt-1" data-testid="refund-state">
            <StatusBadge status={p.status} amountMinor={p.amountMinor} refundedMinor={refundedMinor} />{' '}
            <span className="text-sm text-slate-700">{formatKes(refundedMinor)} of it was refunded to you.</span>
          </p>
        )}
      </div>
      <div className="card">
        <dl className="space-y-2 text-sm">
          {p.mpesaReceipt && (
            <DetailRow label="M-Pesa receipt"><span data-testid="mpesa-receipt" className="font-mono font-semibold">{p.mpesaReceipt}</span></DetailRow>
          )}
          {p.method === 'card' && (
            <DetailRow label="Card"><span data-testid="card-used">{cardLabel(p.cardBrand, p.cardLast4)}</span></DetailRow>
          )}
          <DetailRow label="Receipt number"><span data-testid="receipt-no" className="break-all font-mono">{receiptNo}</span></DetailRow>
          <DetailRow label="Policy">{row.policyNumber}</DetailRow>
          {p.phone && <DetailRow label="Paid from">{maskPhoneLocal(p.phone)}</DetailRow>}
          <DetailRow label="Date">{formatDateTime(p.completedAt ?? p.updatedAt)}</DetailRow>
          {balance !== null && (
            <DetailRow label="Balance after this payment"><span data-testid="balance-after" className="font-semibold">{formatKes(balance)}</span></DetailRow>
          )}
        </dl>
      </div>
      <div className="grid gap-2">
        <a href={`/api/v1/payments/${p.id}/receipt`} download className="btn-primary" data-testid="download-receipt">
          Download receipt (PDF)
        </a>
        <ShareReceiptButton
          url={verifyUrl}
          title="Malipo receipt"
          text={`Receipt ${receiptNo}: ${formatKes(p.amountMinor)} paid for policy ${row.policyNumber}. Check it is genuine:`}
        />
      </div>
      <p className="text-sm text-slate-700">
        What happens next: the payment is already applied to your policy. Your installments and balance are updated on your
        dashboard, and we are emailing you this receipt. Anyone you share the link with can check the receipt is genuine.
      </p>
      <div className="grid gap-2">
        <Link href="/dashboard" className="btn-secondary">Back to my policies</Link>
        {/* Only while something is left to ask for: nothing once refunded or a request covers it all. */}
        {stillRefundable > 0 && (
          <Link href={`/dashboard/refunds/new?payment=${p.id}`} prefetch={false} className="inline-flex min-h-11 items-center justify-center text-sm font-medium text-slate-700 underline">
            Request a refund
          </Link>
        )}
        <Link href="/dashboard/payments" className="btn-secondary">See all payments</Link>
      </div>
    </div>
  );
}
