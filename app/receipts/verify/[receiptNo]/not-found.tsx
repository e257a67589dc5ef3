// Answered (with HTTP 404) for a receipt number we never issued, or one that has been altered.
import Link from 'next/link';

export default function ReceiptNotFound() {
  return (
    <div className="mx-auto max-w-md space-y-4">
      <div className="card space-y-2 text-center" data-testid="receipt-invalid">
        <div className="mx-auto grid size-12 place-items-center rounded-full bg-red-100 text-2xl text-red-700" aria-hidden>✕</div>
        <h1 className="text-xl font-bold">This is not a valid Malipo receipt</h1>
        <p className="text-sm text-slate-600">
          We did not issue this receipt number, or it has been changed. Check that you typed it exactly as printed on the receipt,
          including the last six characters.
        </p>
      </div>
      <p className="text-sm text-slate-600">
        Paid a premium yourself? Your genuine receipts are under <Link href="/dashboard/payments" className="font-semibold text-brand-700 underline">Payments</Link>.
      </p>
    </div>
  );
}
