'use client';

// The two clocks of the waiting page, counted down in the browser: the prompt on the phone, and
// how long the page keeps checking. A minute before the page would stop it warns, in a live
// region screen readers announce, and offers to keep checking (WCAG 2.2.1). Once the prompt has
// lapsed, `resend` ("Didn't get the prompt? Send it again", a server-drawn form) is shown. The
// server draws the same state first, so all of this reads right before and without JavaScript.
import { useEffect, useState, type ReactNode } from 'react';
import { describeTimeLeft, WARN_BEFORE_MS, WATCH_MS } from '@/lib/payments/waiting';

type Props = { promptEndsAt: number; watchEndsAt: number; serverNow: number; here: string; resend: ReactNode };

export function WaitingClock({ promptEndsAt, watchEndsAt, serverNow, here, resend }: Props) {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    // Measured against the server's clock: a phone whose clock is off still counts right.
    const skew = serverNow - Date.now();
    setNow(Date.now() + skew);
    const t = setInterval(() => setNow(Date.now() + skew), 1000);
    return () => clearInterval(t);
  }, [serverNow]);
  const promptLeft = promptEndsAt - now;
  const watchLeft = watchEndsAt - now;
  const warn = watchLeft <= WARN_BEFORE_MS;
  return (
    <div className="space-y-3 text-left">
      <dl className="grid grid-cols-2 gap-2 text-sm">
        <div className="rounded-xl bg-slate-100 px-3 py-2">
          <dt className="text-slate-700">Prompt on your phone</dt>
          <dd className="font-semibold" data-testid="prompt-time-left">
            {promptLeft > 0 ? `${describeTimeLeft(promptLeft)} left` : 'Lapsed'}
          </dd>
        </div>
        <div className="rounded-xl bg-slate-100 px-3 py-2">
          <dt className="text-slate-700">We keep checking</dt>
          <dd className="font-semibold" data-testid="watch-time-left">
            {describeTimeLeft(watchLeft)} more
          </dd>
        </div>
      </dl>
      {/* Always in the page (empty until needed), so screen readers announce the warning when it appears. */}
      <div aria-live="assertive" aria-atomic="true" data-testid="time-limit-warning">
        {warn && (
          <div className="space-y-2 rounded-xl border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
            <p>We will stop checking in {describeTimeLeft(watchLeft)}. Need more time?</p>
            <a href={`${here}?until=${now + WATCH_MS}`} className="btn-secondary w-full">
              Keep checking for 5 more minutes
            </a>
          </div>
        )}
      </div>
      {promptLeft <= 0 && resend}
    </div>
  );
}
