import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { DetailRow } from '@/components/detail-row';
import { ActionForm } from '@/components/staff/action-form';
import { ScheduleList } from '@/app/dashboard/policies/[id]/schedule-list';
import { holderForStaff } from '@/lib/book/holders';
import { STANDING_CLASS, standingOf } from '@/lib/book/standing';
import { todayInNairobi } from '@/lib/nairobi-time';
import { formatDate } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { requireStaff } from '@/lib/staff/session';
import { sendInviteAction } from '../actions';

export const metadata: Metadata = { title: 'Holder · Staff' };
export const dynamic = 'force-dynamic';

export default async function HolderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await requireStaff(`/staff/holders/${id}`);
  const db = await getDb();
  const found = await holderForStaff(db, viewer, id);
  if (!found) notFound();
  const { holder } = found;
  const today = todayInNairobi();
  const policies = await Promise.all(found.policies.map(async (p) => ({ ...p, standing: await standingOf(db, p.policy, p.schedule, today) })));
  return (
    <div className="space-y-4">
      <div>
        <Link href="/staff/holders" className="text-sm font-semibold text-brand-700">← Holders</Link>
        <h1 className="mt-1 text-2xl font-bold">{holder.name}</h1>
      </div>
      <section className="card space-y-3">
        <dl className="space-y-1 text-sm">
          <DetailRow label="Client id">{holder.clientId ?? '—'}</DetailRow>
          <DetailRow label="Phone">{holder.phone ?? '—'}</DetailRow>
          <DetailRow label="Email">{holder.email}</DetailRow>
          <DetailRow label="National ID">{holder.nationalId ?? '—'}</DetailRow>
          <DetailRow label="Can sign in">{holder.hasPassword ? 'Yes' : 'Not yet (no password)'}</DetailRow>
        </dl>
        <ActionForm action={sendInviteAction} submitLabel="Send invite email" pendingLabel="Sending…" tone="secondary" testId="send-invite">
          <input type="hidden" name="holderId" value={holder.id} />
          <p className="text-sm text-slate-600">Emails a one-time link to set a password (valid 72 hours).</p>
        </ActionForm>
      </section>
      {policies.length === 0 && <p className="card text-sm text-slate-600">No policies.</p>}
      {policies.map(({ policy, schedule, balanceMinor, standing }) => (
        <section key={policy.id} className="card space-y-3" data-testid="holder-policy">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 className="text-lg font-semibold">
              {policy.product} <span className="font-mono text-sm text-slate-600">{policy.number}</span>
            </h2>
            <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold capitalize text-slate-700" data-testid="policy-status">{policy.status}</span>
          </div>
          <p className="text-sm text-slate-600">
            {policy.startDate && policy.endDate ? `${formatDate(policy.startDate)} to ${formatDate(policy.endDate)} · ` : ''}
            Balance <span className="font-semibold" data-testid="holder-policy-balance">{formatKes(balanceMinor)}</span>
          </p>
          <p className={`rounded-xl px-3 py-2 text-sm ${STANDING_CLASS[standing.tone]}`} data-testid="premium-standing">{standing.text}</p>
          <ScheduleList schedule={schedule} />
        </section>
      ))}
    </div>
  );
}
