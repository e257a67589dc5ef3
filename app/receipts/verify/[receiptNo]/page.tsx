// Public: anyone holding a Malipo receipt or refund note (paper, PDF, or its QR code) can check it
// is genuine. Shows only what is needed to compare with the document, never the payer's name or
// phone. QR codes and shared links carry a signature (?s=); a typed number works without one.
// Every check counts against a per-address limit, so numbers cannot be tried in bulk.
import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { formatDateTime } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { abuseLimits, clientAddress, hitLimit, minutesText } from '@/lib/rate-limit';
import { INSURER_NAME } from '@/lib/receipts/constants';
import { verifyReceipt, type ReceiptStanding } from '@/lib/receipts/data';
import { DetailRow } from '@/components/detail-row';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Check a receipt', robots: { index: false, follow: false }, referrer: 'no-referrer' };

const receiptNoParam = z.string().trim().min(1).max(80);
const sigParam = z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string().trim().max(40).optional().catch(undefined));

const STANDING: Record<ReceiptStanding, { label: string; className: string }> = {
  paid: { label: 'Paid', className: 'bg-brand-100 text-brand-800' },
  partly_refunded: { label: 'Paid, partly refunded', className: 'bg-amber-100 text-amber-900' },
  refunded: { label: 'Refunded', className: 'bg-slate-200 text-slate-800' },
};

export default async function VerifyReceiptPage({
  params,
  searchParams,
}: {
  params: Promise<{ receiptNo: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const parsed = receiptNoParam.safeParse((await params).receiptNo);
  if (!parsed.success) notFound();
  const sig = sigParam.parse((await searchParams).s);
  const db = await getDb();
  const limit = await hitLimit(db, `receipt-check:${clientAddress(await headers())}`, abuseLimits().receiptChecks);
  if (!limit.allowed) {
    return (
      <div className="mx-auto max-w-md card space-y-2 text-center" data-testid="receipt-check-limited">
        <h1 className="text-xl font-bold">Too many checks from this connection</h1>
        <p className="text-sm text-slate-600">Please wait {minutesText(limit.retryAfterSeconds)} and try again.</p>
      </div>
    );
  }
  const receipt = await verifyReceipt(db, parsed.data, sig);
  // Forged, altered, mistyped, or not a completed payment: one answer, with no hint which.
  if (!receipt) notFound();
  const standing = STANDING[receipt.standing];
  const note = receipt.checkedNote;
  return (
    <div className="mx-auto max-w-md space-y-4">
      <div className="card space-y-2 text-center" data-testid="receipt-genuine">
        <div className="mx-auto grid size-12 place-items-center rounded-full bg-brand-100 text-2xl text-brand-700" aria-hidden>✓</div>
        <h1 className="text-xl font-bold">{note ? `Genuine ${INSURER_NAME} refund note` : `Genuine ${INSURER_NAME} receipt`}</h1>
        <p className="text-sm text-slate-600">
          {note
            ? 'We issued this refund note for money we returned. It refers to the receipt below.'
            : 'We issued this receipt number for a payment we received. Compare the details below with the receipt you were given.'}
        </p>
      </div>
      {note && (
        <div className="card" data-testid="verified-refund-note">
          <dl className="space-y-3 text-sm">
            <DetailRow label="Refund note"><span className="break-all font-mono font-semibold">{note.noteNo}</span></DetailRow>
            <DetailRow label="Refunded"><span className="text-base font-bold">{formatKes(note.amountMinor)}</span></DetailRow>
            <DetailRow label="Refunded on">{formatDateTime(note.refundedAt)}</DetailRow>
          </dl>
        </div>
      )}
      <div className="card">
        <dl className="space-y-3 text-sm">
          <DetailRow label="Receipt number"><span className="break-all font-mono font-semibold" data-testid="verified-receipt-no">{receipt.receiptNo}</span></DetailRow>
          <DetailRow label="Amount"><span className="text-base font-bold" data-testid="verified-amount">{formatKes(receipt.amountMinor)}</span></DetailRow>
          <DetailRow label="Paid on">{formatDateTime(receipt.paidAt)}</DetailRow>
          <DetailRow label="Policy"><span className="font-mono">{receipt.policyNumberMasked}</span></DetailRow>
          <DetailRow label="Status">
            <span data-testid="verified-status" className={`inline-flex rounded-full px-2.5 py-0.5 text-xs font-semibold ${standing.className}`}>{standing.label}</span>
          </DetailRow>
          {receipt.refundedMinor > 0 && <DetailRow label="Refunded"><span data-testid="verified-refunded">{formatKes(receipt.refundedMinor)}</span></DetailRow>}
        </dl>
      </div>
      {receipt.refundNotes.length > 0 && (
        <div className="card space-y-2" data-testid="verified-refund-notes">
          <h2 className="font-semibold">Refund notes on this receipt</h2>
          <ul className="space-y-1 text-sm">
            {receipt.refundNotes.map((n) => (
              <li key={n.noteNo} className="flex flex-wrap justify-between gap-2">
                <span className="font-mono">{n.noteNo}</span>
                <span>{formatKes(n.amountMinor)} · {formatDateTime(n.refundedAt)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="text-sm text-slate-600">
        If the amount, date or policy on the document differ from these, the document has been changed: do not rely on it.
      </p>
    </div>
  );
}
