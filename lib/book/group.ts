// Turns valid rows into holders and policies, checking that the rows of one client and of one
// policy agree. A policy with any rejected row is held back whole: importing only some of its
// installments would be a half-imported policy.
import type { ColumnKey } from './columns';
import type { BookPolicyStatus, BookRow, Rejection } from './row';

export type HolderInput = { clientId: string; name: string; phone: string; email: string; nationalId: string | null; line: number };
export type InstallmentInput = { dueDate: string; amountMinor: number; line: number };
export type PolicyInput = {
  number: string;
  clientId: string;
  product: string;
  productClass: 'life' | 'general' | null;
  status: BookPolicyStatus;
  startDate: string;
  endDate: string;
  agent: string | null;
  commissionBps: number;
  line: number;
  installments: InstallmentInput[];
};
/** One batch unit: a holder and all of their policies (a holder never spans two batches). */
export type HolderGroup = { holder: HolderInput; policies: PolicyInput[] };
export type SharedPhone = { phone: string; clientIds: string[] };

export type GroupedBook = { groups: HolderGroup[]; rejected: Rejection[]; sharedPhones: SharedPhone[]; rows: number };

const HOLDER_FIELDS: [ColumnKey, keyof HolderInput, string][] = [
  ['holder_name', 'name', 'name'],
  ['phone', 'phone', 'phone'],
  ['email', 'email', 'email'],
  ['national_id', 'nationalId', 'national ID'],
];
const POLICY_FIELDS: [ColumnKey, keyof PolicyInput, string][] = [
  ['client_id', 'clientId', 'client id'],
  ['product', 'product', 'product'],
  ['policy_status', 'status', 'status'],
  ['start_date', 'startDate', 'start date'],
  ['end_date', 'endDate', 'end date'],
  ['agent', 'agent', 'agent'],
  ['commission_rate', 'commissionBps', 'commission rate'],
];

export function groupBook(rows: BookRow[], parseRejections: Rejection[]): GroupedBook {
  const rejected = [...parseRejections];
  const holders = new Map<string, HolderInput>();
  const emailOwner = new Map<string, HolderInput>();
  const policies = new Map<string, PolicyInput>();
  const badPolicies = new Map<string, number>(); // policy number -> first rejected line

  for (const r of rows) {
    const reject = (column: ColumnKey, reason: string) => {
      rejected.push({ line: r.line, column, reason });
      if (!badPolicies.has(r.policy_number)) badPolicies.set(r.policy_number, r.line);
    };
    const h: HolderInput = { clientId: r.client_id, name: r.holder_name, phone: r.phone, email: r.email, nationalId: r.national_id ?? null, line: r.line };
    const known = holders.get(h.clientId);
    if (known) {
      const diff = HOLDER_FIELDS.find(([, k]) => known[k] !== h[k]);
      if (diff) {
        reject(diff[0], `Client ${h.clientId} has a different ${diff[2]} on line ${known.line}. One client must have the same details on every row.`);
        continue;
      }
    } else {
      const owner = emailOwner.get(h.email);
      if (owner) {
        reject('email', `Email ${h.email} is already used by client ${owner.clientId} on line ${owner.line}. An email signs one person in, so each client id needs its own.`);
        continue;
      }
      holders.set(h.clientId, h);
      emailOwner.set(h.email, h);
    }
    const p: PolicyInput = {
      number: r.policy_number,
      clientId: r.client_id,
      product: r.product,
      productClass: r.product_class ?? null,
      status: r.policy_status,
      startDate: r.start_date,
      endDate: r.end_date,
      agent: r.agent ?? null,
      commissionBps: r.commission_rate ?? 0,
      line: r.line,
      installments: [],
    };
    const policy = policies.get(p.number);
    if (policy) {
      const diff = POLICY_FIELDS.find(([, k]) => policy[k] !== p[k]);
      if (diff) {
        reject(diff[0], `Policy ${p.number} has a different ${diff[2]} on line ${policy.line}. Every row of one policy must agree.`);
        continue;
      }
      const same = policy.installments.find((i) => i.dueDate === r.due_date);
      if (same) {
        reject('due_date', `Policy ${p.number} already has an installment due ${r.due_date} on line ${same.line}.`);
        continue;
      }
      policy.installments.push({ dueDate: r.due_date, amountMinor: r.amount, line: r.line });
    } else {
      p.installments.push({ dueDate: r.due_date, amountMinor: r.amount, line: r.line });
      policies.set(p.number, p);
    }
  }

  // Hold back every row of a policy that has a rejected row (including rows the parser refused,
  // when their policy number was readable: those are found by line in the rejections).
  for (const rj of parseRejections) {
    const number = rj.policyNumber;
    if (number && !badPolicies.has(number)) badPolicies.set(number, rj.line);
  }
  for (const [number, firstBad] of badPolicies) {
    const p = policies.get(number);
    if (!p) continue;
    for (const i of p.installments)
      rejected.push({ line: i.line, column: 'policy_number', reason: `Not imported: line ${firstBad} of policy ${number} was rejected, and a policy is imported whole or not at all.` });
    policies.delete(number);
  }

  const byHolder = new Map<string, HolderGroup>();
  for (const p of [...policies.values()].sort((a, b) => (a.number < b.number ? -1 : 1))) {
    p.installments.sort((a, b) => (a.dueDate < b.dueDate ? -1 : 1));
    let g = byHolder.get(p.clientId);
    if (!g) byHolder.set(p.clientId, (g = { holder: holders.get(p.clientId)!, policies: [] }));
    g.policies.push(p);
  }
  const groups = [...byHolder.values()].sort((a, b) => (a.holder.clientId < b.holder.clientId ? -1 : 1));

  const phones = new Map<string, string[]>();
  for (const h of holders.values()) phones.set(h.phone, [...(phones.get(h.phone) ?? []), h.clientId]);
  const sharedPhones = [...phones].filter(([, ids]) => ids.length > 1).map(([phone, clientIds]) => ({ phone, clientIds }));

  rejected.sort((a, b) => a.line - b.line);
  return { groups, rejected, sharedPhones, rows: rows.length + new Set(parseRejections.map((r) => r.line)).size };
}

/** Holder groups in batches of about `policiesPerBatch` policies, in a fixed order (so a restart resumes at the same place). */
export function batchesOf(groups: HolderGroup[], policiesPerBatch: number): HolderGroup[][] {
  const out: HolderGroup[][] = [];
  let current: HolderGroup[] = [];
  let size = 0;
  for (const g of groups) {
    current.push(g);
    size += g.policies.length;
    if (size >= policiesPerBatch) {
      out.push(current);
      current = [];
      size = 0;
    }
  }
  if (current.length) out.push(current);
  return out;
}
