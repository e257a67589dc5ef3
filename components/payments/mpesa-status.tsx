'use client';

// Live status of an M-Pesa payment: Server-Sent Events first, SWR polling whenever the stream is
// down, and a clear message if nothing final arrives within 5 minutes.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import useSWR from 'swr';
import type { PublicPaymentStatus } from '@/lib/payments/public-status';

const GIVE_UP_MS = 5 * 60_000;
const fetcher = (url: string) => fetch(url, { cache: 'no-store' }).then((r) => (r.ok ? r.json() : Promise.reject(r.status)));

export function MpesaStatus({ initial, policyId }: { initial: PublicPaymentStatus; policyId: string }) {
  const router = useRouter();
  const [live, setLive] = useState<PublicPaymentStatus>(initial);
  const [streamUp, setStreamUp] = useState(false);
  const [timedOut, setTimedOut] = useState(Date.now() - Date.parse(initial.createdAt) > GIVE_UP_MS);
  const waiting = live.status === 'pending' && !timedOut;

  useEffect(() => {
    if (!waiting) return;
    const es = new EventSource(`/api/v1/payments/${initial.id}/events`);
    es.onopen = () => setStreamUp(true);
    es.onerror = () => setStreamUp(false);
    es.addEventListener('status', (e) => setLive(JSON.parse((e as MessageEvent).data)));
    return () => es.close();
  }, [initial.id, waiting]);

  const { data } = useSWR<PublicPaymentStatus>(waiting ? `/api/v1/payments/${initial.id}` : null, fetcher, {
    refreshInterval: streamUp ? 0 : 3000,
    revalidateOnFocus: true,
  });
  useEffect(() => {
    if (data && data.status !== live.status) setLive(data);
  }, [data, live.status]);

  useEffect(() => {
    if (!waiting) return;
    const left = GIVE_UP_MS - (Date.now() - Date.parse(initial.createdAt));
    const t = setTimeout(() => setTimedOut(true), Math.max(0, left));
    return () => clearTimeout(t);
  }, [initial.createdAt, waiting]);

  useEffect(() => {
    if (live.status === 'completed') router.replace(`/pay/success/${live.id}`);
  }, [live.status, live.id, router]);

  return (
    <section aria-live="polite" className="card text-center" data-testid="mpesa-status" data-status={live.status}>
      {live.status === 'pending' && !timedOut && (
        <div className="space-y-3 py-2">
          <div className="mx-auto size-12 animate-spin rounded-full border-4 border-brand-100 border-t-brand-600" aria-hidden />
          <h2 className="text-lg font-semibold">Check your phone</h2>
          <p className="text-slate-600">Enter your M-Pesa PIN in the prompt on your phone to pay. Keep this page open.</p>
        </div>
      )}
      {live.status === 'pending' && timedOut && (
        <div className="space-y-3 py-2">
          <h2 className="text-lg font-semibold">Still waiting for M-Pesa</h2>
          <p className="text-slate-600">
            We have not heard back from M-Pesa after 5 minutes. If money left your account, we will match it automatically and
            it will show in your payments. Otherwise you can try again shortly.
          </p>
          <Link href="/dashboard/payments" className="btn-secondary w-full">See my payments</Link>
        </div>
      )}
      {live.status === 'completed' && (
        <div className="space-y-2 py-2">
          <h2 className="text-lg font-semibold text-brand-700">Payment received</h2>
          <p className="text-slate-600">Taking you to your receipt…</p>
        </div>
      )}
      {(live.status === 'failed' || live.status === 'cancelled' || live.status === 'expired') && (
        <div className="space-y-3 py-2">
          <h2 className="text-lg font-semibold text-red-700">
            {live.status === 'cancelled' ? 'Payment cancelled' : live.status === 'expired' ? 'Payment timed out' : 'Payment failed'}
          </h2>
          <p className="text-slate-700" data-testid="failure-reason">{live.failureReason ?? 'The payment did not go through.'}</p>
          <p className="text-sm text-slate-500">No money was taken for this attempt.</p>
          <Link href={`/pay/${policyId}`} className="btn-primary w-full">Retry</Link>
        </div>
      )}
      {live.status === 'review' && (
        <div className="space-y-3 py-2">
          <h2 className="text-lg font-semibold">We are checking this payment</h2>
          <p className="text-slate-600">M-Pesa told us something we need to confirm. Our team will update it shortly; you do not need to pay again.</p>
        </div>
      )}
    </section>
  );
}
