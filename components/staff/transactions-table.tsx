// Transactions as a table on a desktop and as cards on a phone (same rows, same links).
import Link from 'next/link';
import { StatusBadge } from '@/components/payments/status-badge';
import { formatDateTime } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { localPhone, methodLabel } from '@/lib/staff/format';
import type { TransactionRow } from '@/lib/staff/transactions';

function Flag({ reason }: { reason: string | null }) {
  return (
    <span title={reason ?? undefined} className="inline-flex rounded-full bg-orange-100 px-2 py-0.5 text-xs font-semibold text-orange-900">
      Flagged
    </span>
  );
}

function gatewayRef(r: TransactionRow) {
  return r.method === 'mpesa' ? r.mpesaReceipt : r.paystackReference !== r.reference ? r.paystackReference : null;
}

export function TransactionsTable({ rows }: { rows: (TransactionRow & { refundedMinor: number })[] }) {
  return (
    <>
      <div className="card hidden overflow-x-auto p-0 md:block">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2">When (EAT)</th>
              <th scope="col" className="px-3 py-2">Reference</th>
              <th scope="col" className="px-3 py-2">Holder</th>
              <th scope="col" className="px-3 py-2">Policy</th>
              <th scope="col" className="px-3 py-2">Method</th>
              <th scope="col" className="px-3 py-2 text-right">Amount</th>
              <th scope="col" className="px-3 py-2">Status</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((r) => (
              <tr key={r.id} className="hover:bg-slate-50" data-testid="transaction-row">
                <td className="whitespace-nowrap px-3 py-2 text-slate-600">{formatDateTime(r.createdAt).replace(' EAT', '')}</td>
                <td className="px-3 py-2">
                  <Link href={`/staff/transactions/${r.id}`} className="font-mono font-semibold text-brand-700 hover:underline">
                    {r.reference}
                  </Link>
                  {gatewayRef(r) && <div className="font-mono text-xs text-slate-600">{gatewayRef(r)}</div>}
                </td>
                <td className="px-3 py-2">
                  <div className="font-medium">{r.holderName}</div>
                  <div className="text-xs text-slate-600">{r.phone ? localPhone(r.phone) : r.holderEmail}</div>
                </td>
                <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{r.policyNumber}</td>
                <td className="whitespace-nowrap px-3 py-2">{methodLabel(r)}</td>
                <td className="whitespace-nowrap px-3 py-2 text-right font-semibold tabular-nums">{formatKes(r.amountMinor)}</td>
                <td className="space-x-1 whitespace-nowrap px-3 py-2">
                  <StatusBadge status={r.status} amountMinor={r.amountMinor} refundedMinor={r.refundedMinor} />
                  {r.flagged && <Flag reason={r.flagReason} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="space-y-2 md:hidden">
        {rows.map((r) => (
          <li key={r.id}>
            <Link href={`/staff/transactions/${r.id}`} className="card block space-y-1 hover:border-brand-600" data-testid="transaction-card">
              <div className="flex items-start justify-between gap-2">
                <span className="text-lg font-semibold tabular-nums">{formatKes(r.amountMinor)}</span>
                <span className="flex flex-wrap justify-end gap-1">
                  <StatusBadge status={r.status} amountMinor={r.amountMinor} refundedMinor={r.refundedMinor} />
                  {r.flagged && <Flag reason={r.flagReason} />}
                </span>
              </div>
              <p className="text-sm font-medium">{r.holderName} · <span className="font-mono text-xs">{r.policyNumber}</span></p>
              <p className="text-xs text-slate-600">
                {methodLabel(r)}
                {r.phone ? ` · ${localPhone(r.phone)}` : ''} · <span className="font-mono">{r.reference}</span>
                {gatewayRef(r) ? <> · <span className="font-mono">{gatewayRef(r)}</span></> : null}
              </p>
              <p className="text-xs text-slate-600">{formatDateTime(r.createdAt)}</p>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
