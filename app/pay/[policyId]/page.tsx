import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';
import { PayForm } from '@/components/payments/pay-form';
import { requireHolder } from '@/lib/auth/session';
import { formatDate } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { getPolicy } from '@/lib/policies';
import { todayInNairobi } from '@/lib/nairobi-time';
import { listSavedCards } from '@/lib/payments/saved-cards';
import { cardLabel } from '@/lib/payments/card/card-label';
import { waitingPayments } from '@/lib/payments/queries';
import { WaitingNotice } from '@/components/payments/waiting-notice';
import { maskedLocalPhone } from '@/lib/holder-access/mask';
import { PaybillAlternative } from '@/components/payments/paybill-details';

export const metadata: Metadata = { title: 'Pay premium' };

export default async function PayPage({ params }: { params: Promise<{ policyId: string }> }) {
  const { policyId } = await params;
  const viewer = await requireHolder(`/pay/${policyId}`, '/staff', { allowPayer: true });
  const db = await getDb();
  const found = await getPolicy(db, { ...viewer, role: 'policyholder' }, policyId);
  if (!found) notFound();
  const { policy, schedule, balanceMinor } = found;
  const [me] = await db.select({ phone: users.phone }).from(users).where(eq(users.id, viewer.userId));
  const [cards, waiting] = await Promise.all([listSavedCards(db, viewer), waitingPayments(db, viewer, policy.id)]);
  const open = schedule.filter((i) => i.paidMinor < i.amountMinor);
  // A pay link names one installment: suggest that one while it is open.
  const scoped = viewer.role === 'payer';
  const next = open.find((i) => i.id === viewer.scope?.installmentId) ?? open[0];
  const today = todayInNairobi();
  const dueMinor = next ? next.amountMinor - next.paidMinor : 0;
  // M-Pesa takes whole shillings: round the suggestion up to the next shilling within the balance.
  const suggestedMinor = Math.min(Math.ceil(dueMinor / 100) * 100, balanceMinor);

  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-bold">Pay premium</h1>
        <p className="text-slate-600">
          {policy.product} · {policy.number}
        </p>
      </div>
      {waiting.map((w) => (
        <WaitingNotice key={w.id} payment={w} />
      ))}
      <div className="grid gap-4 md:grid-cols-[1fr_16rem]">
        <div className="card md:order-1">
          {policy.status !== 'active' ? (
            // The insurer's book marks it cancelled, lapsed or matured: payment would be refused anyway.
            <p className="text-slate-700" data-testid="not-payable">
              This policy is {policy.status}, so it cannot take payments. Contact us if you think this is wrong.
            </p>
          ) : balanceMinor <= 0 ? (
            <p className="text-slate-700">Nothing is owed on this policy. Thank you!</p>
          ) : (
            <PayForm
              policyId={policy.id}
              suggestedAmount={String(suggestedMinor / 100)}
              maxAmountLabel={formatKes(balanceMinor)}
              // Anyone may hold a pay link: they see the number on file masked, never in full.
              phone={me?.phone && !scoped ? `0${me.phone.slice(3)}` : ''}
              phoneOnFile={scoped ? maskedLocalPhone(me?.phone) || undefined : undefined}
              allowSaveCard={!scoped}
              savedCards={cards.map((c) => ({ id: c.id, label: cardLabel(c.brand, c.last4) }))}
              paybillFallback={<PaybillAlternative policyNumber={policy.number} amountMinor={suggestedMinor} prominent headingId="paybill-fallback-heading" />}
            />
          )}
          {policy.status === 'active' && balanceMinor > 0 && (
            <div className="mt-4" data-testid="paybill-on-pay-page">
              <PaybillAlternative policyNumber={policy.number} amountMinor={suggestedMinor} />
            </div>
          )}
        </div>
        <aside className="card h-fit text-sm md:order-2" aria-label="Summary">
          <h2 className="mb-2 font-semibold">Summary</h2>
          <dl className="space-y-2">
            <div className="flex justify-between gap-2">
              <dt className="text-slate-600">Outstanding</dt>
              <dd className="font-semibold" data-testid="pay-balance">{formatKes(balanceMinor)}</dd>
            </div>
            {next && (
              <div className="flex justify-between gap-2">
                <dt className="text-slate-600">{next.dueDate < today ? 'Overdue since' : 'Next due'}</dt>
                <dd className={next.dueDate < today ? 'font-semibold text-red-700' : 'font-semibold'}>
                  {formatDate(next.dueDate)}
                </dd>
              </div>
            )}
            {next && (
              <div className="flex justify-between gap-2">
                <dt className="text-slate-600">Installment {next.seq} of {schedule.length}</dt>
                <dd className="font-semibold">{formatKes(dueMinor)}</dd>
              </div>
            )}
          </dl>
        </aside>
      </div>
    </div>
  );
}
