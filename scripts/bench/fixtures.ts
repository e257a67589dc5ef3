// Bench data for the live parts: one policyholder who can sign in, and "sets" of pending M-Pesa
// payments in the state initiate-mpesa.ts leaves them after Daraja accepted the push (checkout and
// merchant request ids recorded). The database allows one pending M-Pesa payment per policy, so
// each payment gets its own policy, with one installment and its premium_charged ledger line: the
// callback then books a real allocation against it. Inserted in bulk SQL, a set per statement.
import { hashPassword } from '@/lib/auth/password';
import type { Sql } from './database';

export const BENCH_HOLDER = {
  email: 'bench-holder@bench.malipo.test',
  password: 'bench-password-not-secret',
  phone: '254711000001',
};

export type PendingPayment = {
  id: string;
  policyId: string;
  amountMinor: number;
  checkoutRequestId: string;
  merchantRequestId: string;
  /** Unique per payment: a reused receipt would (rightly) send the payment to review. */
  receipt: string;
};

export async function createBenchHolder(sql: Sql): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into users (email, name, phone, role, password_hash)
    values (${BENCH_HOLDER.email}, 'Bench Holder', ${BENCH_HOLDER.phone}, 'policyholder', ${await hashPassword(BENCH_HOLDER.password)})
    returning id`;
  return row.id;
}

const TAG = /^[a-z0-9]{1,8}$/;

/**
 * `n` pending M-Pesa payments under tag `tag` (policy numbers BN-<tag>-<i>), KES 500–2,900 each,
 * each exactly the installment it pays.
 */
export async function createPendingPayments(sql: Sql, holderId: string, tag: string, n: number): Promise<PendingPayment[]> {
  if (!TAG.test(tag)) throw new Error(`bad set tag ${tag}`);
  const rows = await sql<{ id: string; policy_id: string; amount_minor: string; checkout_request_id: string; merchant_request_id: string; i: number }[]>`
    with pol as (
      insert into policies (number, product, holder_id, premium_minor)
      select 'BN-' || ${tag} || '-' || g, 'Bench Motor Comprehensive', ${holderId}, (500 + (g % 97) * 25) * 100
      from generate_series(1, ${n}::int) g
      returning id, number, premium_minor
    ), inst as (
      insert into installments (policy_id, seq, due_date, amount_minor)
      select id, 1, current_date, premium_minor from pol
      returning id, policy_id, amount_minor
    ), charged as (
      insert into ledger_entries (policy_id, user_id, installment_id, kind, amount_minor, memo)
      select policy_id, ${holderId}, id, 'premium_charged', amount_minor, 'Bench premium, installment 1 of 1' from inst
    )
    insert into payments (reference, user_id, policy_id, method, amount_minor, phone, checkout_request_id, merchant_request_id)
    select 'MLP-B' || upper(${tag}) || '-' || split_part(number, '-', 3), ${holderId}, id, 'mpesa', premium_minor, ${BENCH_HOLDER.phone},
           'ws_CO_BENCH_' || ${tag} || '_' || split_part(number, '-', 3), ${tag} || '-' || split_part(number, '-', 3) || '-1'
    from pol
    returning id, policy_id, amount_minor, checkout_request_id, merchant_request_id, split_part(reference, '-', 3)::int as i`;
  return rows
    .sort((a, b) => a.i - b.i)
    .map((r) => ({
      id: r.id,
      policyId: r.policy_id,
      amountMinor: Number(r.amount_minor),
      checkoutRequestId: r.checkout_request_id,
      merchantRequestId: r.merchant_request_id,
      receipt: nextReceipt(),
    }));
}

let receiptSeq = 0;

/** A 10-character receipt in M-Pesa's shape (year, month, day letters, 7 characters), unique in this run. */
function nextReceipt(): string {
  return `UKP${(++receiptSeq).toString(36).toUpperCase().padStart(7, '0')}`;
}

export type SetCheck = {
  payments: number;
  completed: number;
  completedMinor: number;
  ledgerReceivedMinor: number;
  duplicateLedgerLines: number;
  completedTransitions: number;
  callbackEvents: number;
};

/** What the database says happened to set `tag`: the evidence for "applied exactly once". */
export async function checkSet(sql: Sql, tag: string): Promise<SetCheck> {
  const like = `BN-${tag}-%`;
  const [p] = await sql<{ payments: string; completed: string; completed_minor: string }[]>`
    select count(*) payments, count(*) filter (where pay.status = 'completed') completed,
           coalesce(sum(pay.amount_minor) filter (where pay.status = 'completed'), 0) completed_minor
    from payments pay join policies pol on pol.id = pay.policy_id where pol.number like ${like}`;
  const [l] = await sql<{ received: string; dup: string }[]>`
    with lines as (
      select le.* from ledger_entries le join policies pol on pol.id = le.policy_id
      where pol.number like ${like} and le.kind = 'payment_received'
    )
    select coalesce(-sum(amount_minor), 0) received,
           (select count(*) from (select 1 from lines group by payment_id, installment_id having count(*) > 1) d) dup
    from lines`;
  const [t] = await sql<{ transitions: string; events: string }[]>`
    with ids as (select pay.id from payments pay join policies pol on pol.id = pay.policy_id where pol.number like ${like})
    select (select count(*) from payment_status_changes c where c.payment_id in (select id from ids) and c.to_status = 'completed') transitions,
           (select count(*) from gateway_events e where e.payment_id in (select id from ids) and e.kind = 'stk_callback') events`;
  return {
    payments: Number(p.payments),
    completed: Number(p.completed),
    completedMinor: Number(p.completed_minor),
    ledgerReceivedMinor: Number(l.received),
    duplicateLedgerLines: Number(l.dup),
    completedTransitions: Number(t.transitions),
    callbackEvents: Number(t.events),
  };
}
