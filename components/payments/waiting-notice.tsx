// "A payment is in progress": shown on the dashboard and the pay page, so a holder who left the
// waiting page finds their way back to it instead of paying twice.
import type { Payment } from '@/db/schema';
import { describeTimeLeft, describeWaitingPayment, waitingClock } from '@/lib/payments/waiting';

export function WaitingNotice({ payment, now = Date.now() }: { payment: Payment; now?: number }) {
  const { amount, phone } = describeWaitingPayment(payment);
  const href = payment.method === 'mpesa' ? `/pay/mpesa/${payment.id}` : `/pay/card/${payment.id}`;
  const clock = waitingClock(payment, now);
  const onPhone = payment.method === 'mpesa' && now < clock.promptEndsAt;
  return (
    <div data-testid="waiting-notice" className="flex flex-wrap items-center justify-between gap-2 rounded-xl border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
      <p>
        <span className="font-semibold">Payment in progress:</span> {amount}
        {payment.method === 'mpesa' ? ` to ${phone}` : ' by card'}
        {onPhone ? ` · prompt open for ${describeTimeLeft(clock.promptEndsAt - now)}` : ''}.
      </p>
      <a href={href} className="inline-flex min-h-11 items-center font-semibold text-amber-950 underline">
        See its progress
      </a>
    </div>
  );
}
