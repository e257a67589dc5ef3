// Status of an M-Pesa payment, drawn on the server so it shows (and can be checked again) before,
// and without, JavaScript: while waiting, a "Check again" link and, with scripting off, a meta
// refresh every 5 s. Once hydrated, MpesaLive keeps it current over Server-Sent Events and
// WaitingClock counts down the prompt and the page's own time limit (which the holder can extend).
// Plain links, not next/link: its client code would be this page's largest script.
import { resendPromptAction } from '@/app/pay/actions';
import { MpesaLive } from '@/components/payments/mpesa-live';
import { PaybillAlternative } from '@/components/payments/paybill-details';
import { WaitingClock } from '@/components/payments/waiting-clock';
import type { PublicPaymentStatus } from '@/lib/payments/public-status';
import type { WaitingClock as Clock } from '@/lib/payments/waiting';

const NO_JS_REFRESH_S = 5;

const RESEND_REFUSED: Record<string, string> = {
  rate_limited: 'Too many prompts were sent just now. Please wait a few minutes, then try again.',
  in_progress: 'This payment has just changed, so we did not send another prompt.',
  invalid: 'We could not send another prompt for this payment. Please start a new payment.',
  not_found: 'We could not send another prompt for this payment. Please start a new payment.',
  gateway: 'M-Pesa did not take the new prompt. Please try again in a minute.',
};

type Props = {
  initial: PublicPaymentStatus;
  policyId: string;
  policyNumber: string;
  clock: Clock;
  now: number;
  /** Set when "Send it again" was refused: its code. */
  resendRefused?: string;
};

export function MpesaStatus({ initial, policyId, policyNumber, clock, now, resendRefused }: Props) {
  const live = initial;
  const watching = now < clock.watchEndsAt;
  // We could not tell whether the prompt went out (Daraja answered 500 or too slowly): closed on
  // our side, but a success can still arrive for it, so the page keeps checking.
  const unsure = live.status === 'expired' && live.outcomeUnknown;
  const waiting = live.status === 'pending' && watching;
  const here = `/pay/mpesa/${live.id}`;
  const until = clock.watchEndsAt > Date.parse(live.createdAt) + 5 * 60_000 ? `?until=${clock.watchEndsAt}` : '';

  const resend = (
    <form action={resendPromptAction} className="space-y-1" data-testid="resend-form">
      <input type="hidden" name="paymentId" value={live.id} />
      <p className="text-sm text-slate-700">Didn&apos;t get the prompt?</p>
      <button type="submit" className="btn-primary w-full">
        Send it again
      </button>
    </form>
  );
  const clockView = (
    <WaitingClock promptEndsAt={clock.promptEndsAt} watchEndsAt={clock.watchEndsAt} serverNow={now} here={here} resend={resend} />
  );

  return (
    <section className="card text-center" data-testid="mpesa-status" data-status={live.status}>
      <MpesaLive id={live.id} status={live.status} waiting={(waiting || unsure) && watching} giveUpAt={clock.watchEndsAt} />
      {(waiting || (unsure && watching)) && (
        <noscript>
          <meta httpEquiv="refresh" content={`${NO_JS_REFRESH_S};url=${here}${until}`} />
        </noscript>
      )}
      {resendRefused && (
        <p role="alert" data-testid="resend-refused" className="mb-3 rounded-xl bg-red-50 px-4 py-3 text-sm text-red-800">
          {RESEND_REFUSED[resendRefused] ?? RESEND_REFUSED.invalid}
        </p>
      )}
      {/* The status line screen readers announce when it changes. */}
      <div aria-live="polite">
        {waiting && (
          <div className="space-y-3 py-2">
            <div className="mx-auto size-12 animate-spin rounded-full border-4 border-brand-100 border-t-brand-700 motion-reduce:animate-none" aria-hidden />
            <h2 className="text-lg font-semibold">Check your phone</h2>
            <p className="text-slate-700">Enter your M-Pesa PIN in the prompt on your phone to pay. Keep this page open.</p>
          </div>
        )}
        {unsure && (
          <div className="space-y-3 py-2">
            <h2 className="text-lg font-semibold">We are not sure the prompt reached your phone</h2>
            <p className="text-slate-700" data-testid="failure-reason">
              M-Pesa did not answer us clearly. If a prompt appears, you can still pay it: we will credit it to your policy.
              {watching ? ' We keep checking here.' : ''}
            </p>
          </div>
        )}
        {live.status === 'pending' && !watching && (
          <div className="space-y-3 py-2">
            <h2 className="text-lg font-semibold">Still waiting for M-Pesa</h2>
            <p className="text-slate-700">
              We have not heard back from M-Pesa yet. If money left your account, we will match it automatically and it will
              show in your payments.
            </p>
          </div>
        )}
        {live.status === 'completed' && (
          <div className="space-y-2 py-2">
            <h2 className="text-lg font-semibold text-brand-800">Payment received</h2>
          </div>
        )}
        {!unsure && (live.status === 'failed' || live.status === 'cancelled' || live.status === 'expired') && (
          <div className="space-y-3 py-2">
            <h2 className="text-lg font-semibold text-red-800">
              {live.status === 'cancelled' ? 'Payment cancelled' : live.status === 'expired' ? 'Payment expired' : 'Payment failed'}
            </h2>
            <p className="text-slate-700" data-testid="failure-reason">{live.failureReason ?? 'The payment did not go through.'}</p>
            <p className="text-sm text-slate-700">No money was taken for this attempt.</p>
          </div>
        )}
        {live.status === 'review' && (
          <div className="space-y-3 py-2">
            <h2 className="text-lg font-semibold">We are checking this payment</h2>
            <p className="text-slate-700">M-Pesa told us something we need to confirm. Our team will update it shortly; you do not need to pay again.</p>
          </div>
        )}
      </div>

      <div className="space-y-3">
        {(waiting || (unsure && watching)) && clockView}
        {(unsure || live.status === 'pending') && !watching && (
          <>
            <a href={`${here}?until=${now + 5 * 60_000}`} className="btn-secondary w-full" data-testid="keep-checking">
              Keep checking for 5 more minutes
            </a>
            {resend}
            <a href="/dashboard/payments" className="block py-2 text-sm font-medium text-brand-800 underline">See my payments</a>
          </>
        )}
        {(waiting || unsure || live.promptUnreachable) && (
          <PaybillAlternative policyNumber={policyNumber} amountMinor={live.amountMinor} prominent={live.promptUnreachable} />
        )}
        {(waiting || live.status === 'review' || (unsure && watching)) && (
          // A plain link (a full page load): works with or without JavaScript.
          <a href={`${here}${until}`} className="btn-secondary w-full" data-testid="check-again">
            Check again
          </a>
        )}
        {live.status === 'completed' && (
          <a href={`/pay/success/${live.id}`} className="btn-primary w-full">See your receipt</a>
        )}
        {!unsure && (live.status === 'failed' || live.status === 'cancelled' || live.status === 'expired') && (
          <a href={`/pay/${policyId}`} className="btn-primary w-full">Retry</a>
        )}
      </div>
    </section>
  );
}
