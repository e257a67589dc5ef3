import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { requireViewer } from '@/lib/auth/session';
import { formatDateTime } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { maskMsisdn } from '@/lib/phone';
import { cardLabel } from '@/lib/payments/card-label';
import { balanceAfterPayment } from '@/lib/payments/ledger';
import { getPayment } from '@/lib/payments/queries';
import { ShareReceiptButton } from '@/components/receipts/share-receipt';
import { appOrigin } from '@/lib/env';
import { receiptNumberFor, receiptVerifyPath } from '@/lib/receipts/receipt-number';
import { DetailRow } from '@/components/detail-row';

export const metadata: Metadata = { title: 'Payment received' };

export default async function SuccessPage({ params }: { params: Promise<{ transactionId: string }> }) {
  const { transactionId } = await params;
  const viewer = await requireViewer(`/pay/success/${transactionId}`, { allowPayer: true });
  const db = await getDb();
  const row = await getPayment(db, viewer, transactionId);
  if (!row) notFound();
  const p = row.payment;
  if (p.status !== 'completed') redirect(p.method === 'mpesa' ? `/pay/mpesa/${p.id}` : `/pay/card/${p.id}`);
  // The same figure as the PDF receipt (stays put when part of the payment is refunded later).
  const balance = await balanceAfterPayment(db, p.policyId, p.id);
  const receiptNo = receiptNumberFor(p.reference);
  const verifyUrl = `${appOrigin()}${receiptVerifyPath(receiptNo)}`;
  return (
    <div className="mx-auto max-w-md space-y-4">
      <div className="card space-y-1 text-center">
        <div className="mx-auto grid size-12 place-items-center rounded-full bg-brand-100 text-2xl text-brand-700" aria-hidden>✓</div>
        <h1 className="text-xl font-bold">Payment received</h1>
        <p className="text-3xl font-bold" data-testid="success-amount">{formatKes(p.amountMinor)}</p>
        <p className="text-slate-600">{row.product}</p>
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
          {p.phone && <DetailRow label="Paid from">{maskMsisdn(p.phone)}</DetailRow>}
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
      <p className="text-sm text-slate-600">
        What happens next: the payment is already applied to your policy. Your installments and balance are updated on your
        dashboard, and we are emailing you this receipt. Anyone you share the link with can check the receipt is genuine.
      </p>
      <div className="grid gap-2">
        <Link href="/dashboard" className="btn-secondary">Back to my policies</Link>
        <Link href={`/dashboard/refunds/new?payment=${p.id}`} prefetch={false} className="text-center text-sm font-medium text-slate-600 underline">
          Request a refund
        </Link>
        <Link href="/dashboard/payments" className="btn-secondary">See all payments</Link>
      </div>
    </div>
  );
}
