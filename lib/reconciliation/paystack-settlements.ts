// Paystack's side of the close: a daily job reads the settlements of the last days and the
// transactions in each (with Paystack's fee), through the Paystack client, stores each transaction
// raw as a statement line (gross, fee) and matches the days they touch. Re-reading a settlement
// changes nothing (same lines, same dedupe keys).
import type { Db } from '@/db/client';
import type { PaystackClient } from '@/lib/gateways/paystack/client';
import { log } from '@/lib/log';
import { addDays, todayInNairobi } from '@/lib/nairobi-time';
import { importLines, sha256, type NewLine } from './store';

export const PAYSTACK_SETTLEMENTS_JOB = 'recon.paystack-settlements';
/** How many days back each run reads (settlements arrive a day or more after the payments). */
export const SETTLEMENT_LOOKBACK_DAYS = 7;

export type SettlementsRun = { ok: true; settlements: number; newLines: number; days: string[] } | { ok: false; error: string };

export async function fetchPaystackSettlements(db: Db, paystack: Pick<PaystackClient, 'listSettlements' | 'settlementTransactions'>, opts: { from?: string; to?: string; now?: Date } = {}): Promise<SettlementsRun> {
  const today = todayInNairobi(opts.now);
  const from = opts.from ?? addDays(today, -SETTLEMENT_LOOKBACK_DAYS);
  const to = opts.to ?? today;
  let newLines = 0;
  let count = 0;
  const days = new Set<string>();
  for (let page = 1; ; page++) {
    const list = await paystack.listSettlements({ from, to, page });
    if (!list.ok) return { ok: false, error: `Paystack settlements: ${list.message}` };
    for (const s of list.settlements) {
      count++;
      const lines: NewLine[] = [];
      const raws: unknown[] = [];
      for (let p = 1; ; p++) {
        const txs = await paystack.settlementTransactions(s.id, p);
        if (!txs.ok) return { ok: false, error: `Paystack settlement ${s.id}: ${txs.message}` };
        txs.transactions.forEach((t, i) => {
          const occurredAt = new Date(t.paid_at ?? t.created_at ?? s.settlement_date ?? Date.now());
          raws.push(txs.raw[i]);
          lines.push({
            dedupeKey: `paystack:${t.reference}`,
            reference: t.reference,
            occurredAt,
            kind: t.status === 'success' ? 'money_in' : 'other',
            grossMinor: t.amount,
            feeMinor: t.fees ?? 0,
            balanceMinor: null,
            details: `Settlement ${s.id}${t.channel ? ` · ${t.channel}` : ''}`,
            status: t.status,
            otherParty: t.customer?.email ?? null,
            account: null,
            raw: JSON.stringify({ settlement: s.id, transaction: txs.raw[i] }),
          });
        });
        if (p >= txs.pageCount) break;
      }
      const r = await importLines(db, { channel: 'card', source: 'paystack_settlement', fileName: `settlement-${s.id}`, sha256: sha256(JSON.stringify({ s, raws })), detail: { settlement: s }, lines });
      if (!r.ok) return { ok: false, error: r.error };
      newLines += r.newLines;
      r.days.forEach((d) => days.add(d));
    }
    if (page >= list.pageCount) break;
  }
  log.info({ event: 'recon.paystack_settlements', settlements: count, newLines }, 'Paystack settlements read');
  return { ok: true, settlements: count, newLines, days: [...days].sort() };
}
