// Status of an M-Pesa payment, drawn on the server so it shows (and can be checked again) before,
// and without, JavaScript: while waiting, a "Check again" link and, with scripting off, a meta
// refresh every 5 s. Once hydrated, MpesaLive keeps it current over Server-Sent Events. A clear
// message if nothing final arrives within 5 minutes. Plain links, not next/link: its client code
// would be this page's largest script.
import { MpesaLive } from '@/components/payments/mpesa-live';
import type { PublicPaymentStatus } from '@/lib/payments/public-status';

export const GIVE_UP_MS = 5 * 60_000;
const NO_JS_REFRESH_S = 5;

export function MpesaStatus({ initial, policyId, now = Date.now() }: { initial: PublicPaymentStatus; policyId: string; now?: number }) {
  const live = initial;
  const giveUpAt = Date.parse(initial.createdAt) + GIVE_UP_MS;
  const timedOut = now >= giveUpAt;
  const waiting = live.status === 'pending' && !timedOut;
  const here = `/pay/mpesa/${live.id}`;

  return (
    <section aria-live="polite" className="card text-center" data-testid="mpesa-status" data-status={live.status}>
      <MpesaLive id={live.id} status={live.status} waiting={waiting} giveUpAt={giveUpAt} />
      {waiting && (
        <div className="space-y-3 py-2">
          <noscript>
            <meta httpEquiv="refresh" content={String(NO_JS_REFRESH_S)} />
          </noscript>
          <div className="mx-auto size-12 animate-spin rounded-full border-4 border-brand-100 border-t-brand-600" aria-hidden />
          <h2 className="text-lg font-semibold">Check your phone</h2>
          <p className="text-slate-600">Enter your M-Pesa PIN in the prompt on your phone to pay. Keep this page open.</p>
          {/* A plain link (a full page load): works with or without JavaScript. */}
          <a href={here} className="btn-secondary w-full" data-testid="check-again">
            Check again
          </a>
        </div>
      )}
      {live.status === 'pending' && timedOut && (
        <div className="space-y-3 py-2">
          <h2 className="text-lg font-semibold">Still waiting for M-Pesa</h2>
          <p className="text-slate-600">
            We have not heard back from M-Pesa after 5 minutes. If money left your account, we will match it automatically and
            it will show in your payments. Otherwise you can try again shortly.
          </p>
          <a href="/dashboard/payments" className="btn-secondary w-full">See my payments</a>
          <a href={here} className="block text-sm font-medium text-brand-700" data-testid="check-again">Check again</a>
        </div>
      )}
      {live.status === 'completed' && (
        <div className="space-y-2 py-2">
          <h2 className="text-lg font-semibold text-brand-700">Payment received</h2>
          <a href={`/pay/success/${live.id}`} className="btn-primary w-full">See your receipt</a>
        </div>
      )}
      {(live.status === 'failed' || live.status === 'cancelled' || live.status === 'expired') && (
        <div className="space-y-3 py-2">
          <h2 className="text-lg font-semibold text-red-700">
            {live.status === 'cancelled' ? 'Payment cancelled' : live.status === 'expired' ? 'Payment timed out' : 'Payment failed'}
          </h2>
          <p className="text-slate-700" data-testid="failure-reason">{live.failureReason ?? 'The payment did not go through.'}</p>
          <p className="text-sm text-slate-500">No money was taken for this attempt.</p>
          <a href={`/pay/${policyId}`} className="btn-primary w-full">Retry</a>
        </div>
      )}
      {live.status === 'review' && (
        <div className="space-y-3 py-2">
          <h2 className="text-lg font-semibold">We are checking this payment</h2>
          <p className="text-slate-600">M-Pesa told us something we need to confirm. Our team will update it shortly; you do not need to pay again.</p>
          <a href={here} className="block text-sm font-medium text-brand-700" data-testid="check-again">Check again</a>
        </div>
      )}
    </section>
  );
}
