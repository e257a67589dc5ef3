import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { ActionResults } from '@/components/staff/action-results';
import { RefundCard } from '@/components/staff/refund-card';
import { listStaffRefunds } from '@/lib/refunds/queries';
import type { RefundStatus } from '@/lib/refunds/status';
import { canDo } from '@/lib/auth/roles';
import { requireStaff } from '@/lib/staff/session';

export const metadata: Metadata = { title: 'Refunds · Staff' };
export const dynamic = 'force-dynamic';

const TABS: Record<string, { label: string; statuses: RefundStatus[] }> = {
  requested: { label: 'To decide', statuses: ['requested'] },
  'in-flight': { label: 'On their way', statuses: ['approved', 'processing'] },
  processed: { label: 'Refunded', statuses: ['processed'] },
  closed: { label: 'Rejected or failed', statuses: ['rejected', 'failed'] },
  all: { label: 'All', statuses: [] },
};

export default async function StaffRefundsPage({ searchParams }: { searchParams: Promise<{ tab?: string | string[] }> }) {
  const viewer = await requireStaff('/staff/refunds', 'payments.view');
  const raw = (await searchParams).tab;
  const tab = typeof raw === 'string' && raw in TABS ? raw : 'requested';
  const rows = await listStaffRefunds(await getDb(), viewer, { status: TABS[tab].statuses });
  const can = { decide: canDo(viewer, 'refunds.decide'), payout: canDo(viewer, 'refunds.record_payout'), resend: canDo(viewer, 'refunds.resend'), viewerId: viewer.userId };
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Refunds</h1>
      <nav aria-label="Refund states" className="flex flex-wrap gap-2 text-sm">
        {Object.entries(TABS).map(([key, t]) => (
          <Link
            key={key}
            href={`/staff/refunds?tab=${key}`}
            aria-current={key === tab ? 'page' : undefined}
            className={`rounded-full border px-3 py-1.5 font-medium ${key === tab ? 'border-slate-900 bg-slate-900 text-white' : 'border-slate-300 bg-white text-slate-700'}`}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      <ActionResults className="space-y-3">
        {rows.length === 0 ? (
          <p className="card text-slate-600">No refunds here.</p>
        ) : (
          <ul className="grid gap-3 lg:grid-cols-2">
            {rows.map((row) => (
              <RefundCard key={row.refund.id} row={row} can={can} />
            ))}
          </ul>
        )}
      </ActionResults>
    </div>
  );
}
