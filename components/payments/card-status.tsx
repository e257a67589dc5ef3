'use client';

// The card flow's states: redirecting to Paystack's checkout → (back) verifying → complete or
// failed with a plain reason and Retry.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { verifyCardPaymentAction } from '@/app/pay/card/actions';
import type { PublicPaymentStatus } from '@/lib/payments/public-status';

type Props = {
  initial: PublicPaymentStatus;
  policyId: string;
  checkoutUrl: string | null;
  phase: 'redirecting' | 'verifying' | 'final';
  cancelled: boolean;
};

const VERIFY_TRIES = 20; // ~1 minute at 3 s

export function CardStatus({ initial, policyId, checkoutUrl, phase, cancelled }: Props) {
  const router = useRouter();
  const [status, setStatus] = useState(initial);
  const [tries, setTries] = useState(0);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (phase === 'redirecting' && checkoutUrl) window.location.assign(checkoutUrl);
  }, [phase, checkoutUrl]);

  useEffect(() => {
    // Back with a reference: ask at least once, even about an attempt we had closed (the holder
    // may have gone back to the checkout and paid); keep asking while it is pending.
    if (phase !== 'verifying' || (status.status !== 'pending' && tries > 0) || tries >= VERIFY_TRIES) return;
    const t = setTimeout(
      async () => {
        const r = await verifyCardPaymentAction({ paymentId: initial.id, cancelled });
        if ('error' in r) setError(r.error);
        else setStatus(r);
        setTries((n) => n + 1);
      },
      tries === 0 ? 0 : 3000,
    );
    return () => clearTimeout(t);
  }, [phase, status.status, tries, initial.id, cancelled]);

  useEffect(() => {
    if (status.status === 'completed') router.replace(`/pay/success/${status.id}`);
  }, [status.status, status.id, router]);

  const failed = ['failed', 'cancelled', 'expired'].includes(status.status);
  return (
    <section aria-live="polite" className="card text-center" data-testid="card-status" data-status={status.status}>
      {status.status === 'pending' && phase === 'redirecting' && (
        <div className="space-y-3 py-2">
          <Spinner />
          <h2 className="text-lg font-semibold">Redirecting to secure checkout…</h2>
          {checkoutUrl && (
            <a href={checkoutUrl} className="btn-secondary w-full">Continue to checkout</a>
          )}
        </div>
      )}
      {status.status === 'pending' && phase === 'verifying' && tries < VERIFY_TRIES && (
        <div className="space-y-3 py-2">
          <Spinner />
          <h2 className="text-lg font-semibold">Verifying your payment…</h2>
          <p className="text-slate-600">We are confirming the payment with your bank. This takes a few seconds.</p>
        </div>
      )}
      {status.status === 'pending' && phase === 'verifying' && tries >= VERIFY_TRIES && (
        <div className="space-y-3 py-2">
          <h2 className="text-lg font-semibold">Still waiting for confirmation</h2>
          <p className="text-slate-600">Your bank has not confirmed yet. We will keep checking; it will show in your payments.</p>
          <Link href="/dashboard/payments" className="btn-secondary w-full">See my payments</Link>
        </div>
      )}
      {status.status === 'completed' && <h2 className="py-2 text-lg font-semibold text-brand-700">Payment received</h2>}
      {failed && (
        <div className="space-y-3 py-2">
          <h2 className="text-lg font-semibold text-red-700">{status.status === 'cancelled' ? 'Payment cancelled' : 'Payment failed'}</h2>
          <p className="text-slate-700" data-testid="failure-reason">{status.failureReason ?? 'The card payment did not go through.'}</p>
          <Link href={`/pay/${policyId}`} className="btn-primary w-full">Retry</Link>
        </div>
      )}
      {status.status === 'review' && (
        <div className="space-y-2 py-2">
          <h2 className="text-lg font-semibold">We are checking this payment</h2>
          <p className="text-slate-600">Something did not match. Our team will confirm it shortly; you do not need to pay again.</p>
        </div>
      )}
      {error && <p role="alert" className="mt-2 text-sm text-red-700">{error}</p>}
    </section>
  );
}

function Spinner() {
  return <div className="mx-auto size-12 animate-spin rounded-full border-4 border-brand-100 border-t-brand-600" aria-hidden />;
}
