// One reconciliation day: per channel, the statement against the ledger, every break with its
// evidence (our payment, the raw gateway events, the statement line), who resolved it and how,
// and the sign-off that closes and locks the day.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { ActionForm } from '@/components/staff/action-form';
import { ActionResults } from '@/components/staff/action-results';
import { canDo } from '@/lib/auth/roles';
import { formatDate, formatDateTime } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { syncAllocations } from '@/lib/reconciliation/allocations';
import { reconDay, type BreakEvidence } from '@/lib/reconciliation/resolve';
import { requireStaff } from '@/lib/staff/session';
import { closeDayAction, decideWriteOffAction, rerunMatchingAction, resolveBreakAction } from '../actions';

export const metadata: Metadata = { title: 'Reconciliation day · Staff' };
export const dynamic = 'force-dynamic';

const CHANNEL = { mpesa: 'M-Pesa', card: 'Card (Paystack)' } as const;
const KIND = {
  uncredited: { label: 'Money in, not credited', className: 'bg-amber-100 text-amber-900' },
  credited_no_money: { label: 'Credited, no money', className: 'bg-red-700 text-white' },
  amount_differs: { label: 'Amount differs', className: 'bg-amber-100 text-amber-900' },
  unexplained_out: { label: 'Money out, unexplained', className: 'bg-amber-100 text-amber-900' },
} as const;
const RESOLUTION = {
  matched_by_hand: 'Matched by hand',
  allocated: 'Allocated to a policy',
  refunded: 'Refunded',
  written_off: 'Written off',
  matched_later: 'Found on a later statement',
} as const;
const RESULT: Record<string, string> = {
  matched: 'Matched',
  completed_late: 'Completed late',
  uncredited: 'Not credited',
  amount_differs: 'Amount differs',
  fee_booked: 'Fee booked',
  unexplained: 'Unexplained',
  ignored: 'Not money (ignored)',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export default async function ReconDayPage({ params }: { params: Promise<{ day: string }> }) {
  const { day } = await params;
  const viewer = await requireStaff(`/staff/reconciliation/${day}`, 'recon.view');
  const db = await getDb();
  // An allocation approved on Money by hand since the last look resolves its break now.
  await syncAllocations(db);
  const data = await reconDay(db, viewer, day);
  if (!data) notFound();
  const can = { resolve: canDo(viewer, 'recon.resolve'), close: canDo(viewer, 'recon.close'), rerun: canDo(viewer, 'recon.upload') };
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link href="/staff/reconciliation" className="font-semibold text-brand-700 hover:underline">← Reconciliation</Link></p>
      <h1 className="text-2xl font-bold">{formatDate(day)}</h1>
      {data.channels.length === 0 && <p className="card text-slate-600">No statement has been imported for this day.</p>}
      <ActionResults className="space-y-6">
        {data.channels.map((c) => {
          const f = c.figures;
          const closed = c.day.status === 'closed';
          const open = c.breaks.filter((b) => b.status !== 'resolved');
          return (
            <section key={c.channel} className="space-y-3" aria-labelledby={`ch-${c.channel}`} data-testid={`recon-channel-${c.channel}`}>
              <div className="flex flex-wrap items-center justify-between gap-2">
                <h2 id={`ch-${c.channel}`} className="text-xl font-semibold">{CHANNEL[c.channel]}</h2>
                {closed ? (
                  <span className="rounded-full bg-slate-900 px-3 py-1 text-sm text-white" data-testid="day-closed">
                    Closed by {c.closedByName ?? 'finance'} · {c.day.closedAt ? formatDateTime(c.day.closedAt) : ''}
                  </span>
                ) : (
                  <span className={`rounded-full px-3 py-1 text-sm ${open.length ? 'bg-red-100 text-red-900' : 'bg-brand-100 text-brand-800'}`}>
                    {open.length ? `${open.length} open break${open.length === 1 ? '' : 's'}` : 'No open breaks'}
                  </span>
                )}
              </div>
              <div className="card overflow-x-auto">
                <table className="w-full text-sm tabular-nums">
                  <caption className="sr-only">Statement against ledger</caption>
                  <thead>
                    <tr className="text-left text-slate-600">
                      <th scope="col" className="py-1 pr-2 font-medium">&nbsp;</th>
                      <th scope="col" className="py-1 pr-2 text-right font-medium">Statement</th>
                      <th scope="col" className="py-1 text-right font-medium">Ledger</th>
                    </tr>
                  </thead>
                  {/* One row per figure, two amounts wide: fits a 360 px phone without scrolling. */}
                  <tbody>
                    {(['grossMinor', 'feesMinor', 'netMinor'] as const).map((k) => (
                      <tr key={k}>
                        <th scope="row" className="py-1 pr-2 text-left font-medium">{k === 'grossMinor' ? 'Gross' : k === 'feesMinor' ? 'Fees' : 'Net'}</th>
                        <td className="whitespace-nowrap py-1 pr-2 text-right">{formatKes(f.statement[k])}</td>
                        <td className={`whitespace-nowrap py-1 text-right ${f.statement[k] !== f.ledger[k] ? 'font-semibold text-red-700' : ''}`}>{formatKes(f.ledger[k])}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <p className="mt-2 text-xs text-slate-600">
                  Opening {formatKes(f.openingMinor)} · closing {formatKes(f.closingMinor)}
                  {f.statementBalanceMinor !== null && <> · statement balance {formatKes(f.statementBalanceMinor)}</>} · {plural(f.statement.moneyIn, 'payment')} in,{' '}
                  {plural(f.statement.lines, 'line')} · breaks {f.breaks.open} open, {f.breaks.resolved} resolved
                </p>
              </div>

              {c.breaks.length > 0 && (
                <ul className="space-y-3" aria-label={`${CHANNEL[c.channel]} breaks`}>
                  {c.breaks.map((b) => (
                    <BreakCard key={b.id} b={b} closed={closed} canResolve={can.resolve} viewerId={viewer.userId} />
                  ))}
                </ul>
              )}

              <details className="card text-sm">
                <summary className="cursor-pointer font-semibold">Statement lines ({c.lines.length})</summary>
                <ul className="mt-2 divide-y divide-slate-100">
                  {c.lines.map((l) => (
                    <li key={l.id} className="flex flex-wrap justify-between gap-2 py-1">
                      <span className="font-mono">{l.reference}</span>
                      <span className="tabular-nums">{formatKes(l.grossMinor)}{l.feeMinor ? ` (fee ${formatKes(l.feeMinor)})` : ''}</span>
                      <span className="text-slate-600">{RESULT[l.result ?? ''] ?? 'Not matched yet'}{l.adjustmentOf ? ` · adjustment for ${formatDate(l.adjustmentOf)}` : ''}</span>
                    </li>
                  ))}
                </ul>
              </details>

              {!closed && (
                <div className="flex flex-wrap gap-3">
                  {can.close && (
                    <ActionForm action={closeDayAction} submitLabel={`Sign off and close ${CHANNEL[c.channel]}`} pendingLabel="Closing…" testId={`close-${c.channel}`}>
                      <input type="hidden" name="day" value={day} />
                      <input type="hidden" name="channel" value={c.channel} />
                    </ActionForm>
                  )}
                  {can.rerun && (
                    <ActionForm action={rerunMatchingAction} submitLabel="Match again" pendingLabel="Matching…" tone="secondary">
                      <input type="hidden" name="day" value={day} />
                      <input type="hidden" name="channel" value={c.channel} />
                    </ActionForm>
                  )}
                </div>
              )}
            </section>
          );
        })}
      </ActionResults>
    </div>
  );
}

function BreakCard({ b, closed, canResolve, viewerId }: { b: BreakEvidence; closed: boolean; canResolve: boolean; viewerId: string }) {
  const kind = KIND[b.kind];
  const id = <input type="hidden" name="breakId" value={b.id} />;
  return (
    <li className={`card space-y-2 ${b.kind === 'credited_no_money' && b.status !== 'resolved' ? 'border-2 border-red-700' : ''}`} data-testid="recon-break">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${kind.className}`}>{kind.label}</span>
        <span className="text-sm tabular-nums">
          Statement {formatKes(b.statementMinor)} · credited {formatKes(b.creditedMinor)}
        </span>
      </div>
      <p className="text-sm">{b.summary}</p>
      {b.adjustmentOf && <p className="text-xs text-slate-600">Adjustment: belongs to {formatDate(b.adjustmentOf)}, which was already closed.</p>}
      <details className="text-sm">
        <summary className="cursor-pointer font-semibold">Evidence</summary>
        <div className="mt-2 space-y-2">
          {b.payment && (
            <p>
              Our payment:{' '}
              <Link href={`/staff/transactions/${b.payment.id}`} className="font-mono text-brand-700 hover:underline">{b.payment.reference}</Link> ·{' '}
              {formatKes(b.payment.amountMinor)} · {b.payment.status}
              {b.payment.mpesaReceipt ? ` · ${b.payment.mpesaReceipt}` : ''}
              {b.payment.paystackReference ? ` · ${b.payment.paystackReference}` : ''}
            </p>
          )}
          {b.line && (
            <div>
              <p>Statement line ({b.line.source === 'paystack_settlement' ? 'Paystack settlement' : 'M-Pesa statement'}, {formatDateTime(b.line.occurredAt)}):</p>
              <pre className="overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-100 p-2 text-xs">{b.line.raw}</pre>
            </div>
          )}
          {b.events.length > 0 && (
            <div>
              <p>Gateway messages for our payment ({b.events.length}):</p>
              {b.events.map((e) => (
                <pre key={e.id} className="mt-1 overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-100 p-2 text-xs">
                  {formatDateTime(e.receivedAt)} · {e.source} {e.kind} · {e.outcome ?? 'not applied'}
                  {'\n'}
                  {e.raw.slice(0, 2000)}
                </pre>
              ))}
            </div>
          )}
          {!b.payment && !b.line && <p>No evidence recorded.</p>}
        </div>
      </details>
      {b.status === 'resolved' && (
        <p className="text-sm text-brand-800" data-testid="break-resolution">
          {RESOLUTION[b.resolution!]}
          {b.resolvedByName ? ` by ${b.resolvedByName}` : ''}
          {b.resolvedAt ? `, ${formatDateTime(b.resolvedAt)}` : ''}
          {b.resolutionReference ? ` · ${b.resolutionReference}` : ''}
          {b.resolutionNote ? ` — ${b.resolutionNote}` : ''}
        </p>
      )}
      {b.status === 'allocation_requested' && (
        <p className="text-sm text-slate-700">
          Allocation raised; it resolves when a second finance member approves it in <Link href="/staff/money" className="font-semibold text-brand-700 hover:underline">Money by hand</Link>.
        </p>
      )}
      {b.status === 'write_off_requested' && (
        <div className="space-y-2">
          <p className="text-sm">
            Write-off requested by {b.writeOffRequestedByName}: {b.writeOffReason}
            {b.writeOffFirstApprovedByName ? ` · first approval by ${b.writeOffFirstApprovedByName}` : ''}
          </p>
          {canResolve && !closed && b.writeOffRequestedBy !== viewerId && (
            <ActionForm action={decideWriteOffAction} submitLabel="Record decision" pendingLabel="Recording…" testId="decide-write-off">
              {id}
              <div>
                <label htmlFor={`wo-decision-${b.id}`} className="label">Decision</label>
                <select id={`wo-decision-${b.id}`} name="decision" className="field" defaultValue="approve">
                  <option value="approve">Approve the write-off</option>
                  <option value="reject">Reject it</option>
                </select>
              </div>
              <div>
                <label htmlFor={`wo-note-${b.id}`} className="label">Note</label>
                <input id={`wo-note-${b.id}`} name="note" required minLength={3} className="field" autoComplete="off" />
              </div>
            </ActionForm>
          )}
        </div>
      )}
      {b.status === 'open' && canResolve && !closed && (
        <ActionForm action={resolveBreakAction} submitLabel="Resolve" pendingLabel="Saving…" testId="resolve-break">
          {id}
          <div>
            <label htmlFor={`how-${b.id}`} className="label">How</label>
            <select id={`how-${b.id}`} name="how" className="field" defaultValue="matched_by_hand">
              <option value="matched_by_hand">Matched by hand (explain)</option>
              <option value="refunded">Refunded (enter the pay-back code)</option>
              {b.kind === 'uncredited' && b.channel === 'mpesa' && <option value="allocate">Allocate to a policy (four eyes)</option>}
              <option value="write_off">Write off (four eyes)</option>
            </select>
          </div>
          <div>
            <label htmlFor={`note-${b.id}`} className="label">What you found / reason</label>
            <textarea id={`note-${b.id}`} name="note" required minLength={5} maxLength={1000} rows={2} className="field" />
          </div>
          <div className="grid gap-2 sm:grid-cols-2">
            <div>
              <label htmlFor={`ref-${b.id}`} className="label">Reference (pay-back or other code)</label>
              <input id={`ref-${b.id}`} name="reference" className="field font-mono uppercase" maxLength={40} autoComplete="off" />
            </div>
            {b.kind === 'uncredited' && b.channel === 'mpesa' && (
              <div>
                <label htmlFor={`policy-${b.id}`} className="label">Policy number (allocations)</label>
                <input id={`policy-${b.id}`} name="policyNumber" className="field font-mono uppercase" maxLength={40} autoComplete="off" />
              </div>
            )}
          </div>
        </ActionForm>
      )}
    </li>
  );
}
