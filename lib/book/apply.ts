// Plans (preview) or applies (import) one batch of holders against the database, with one code
// path for both so the preview counts are what the import does. Money already received is never
// touched: an installment with anything paid against it is kept as it is and reported, and every
// schedule change is booked as a ledger line (the ledger is append-only; balances derive from it).
import { eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '@/db/client';
import { agents, installments, ledgerEntries, policies, products, users } from '@/db/schema';
import { emitEvents } from '@/lib/integration/events';
import { formatKes } from '@/lib/money';
import type { HolderGroup, PolicyInput } from './group';
import type { Rejection } from './row';

export type Counts = { created: number; updated: number; unchanged: number };
export type KeptRow = { policyNumber: string; dueDate: string; line: number | null; reason: string };
export type Tally = {
  holders: Counts;
  policies: Counts;
  installments: Counts & { withdrawn: number };
  productsCreated: string[];
  /** Paid or part-paid installments the file would have changed: never rewritten. */
  kept: KeptRow[];
  /** Rows refused because of what is already in the database (checked again at import time). */
  refused: Rejection[];
};

export function emptyTally(): Tally {
  const c = () => ({ created: 0, updated: 0, unchanged: 0 });
  return { holders: c(), policies: c(), installments: { ...c(), withdrawn: 0 }, productsCreated: [], kept: [], refused: [] };
}

export function addTally(a: Tally, b: Tally): Tally {
  const add = <T extends Record<string, number>>(x: T, y: T) => Object.fromEntries(Object.keys(x).map((k) => [k, x[k] + y[k]])) as T;
  return {
    holders: add(a.holders, b.holders),
    policies: add(a.policies, b.policies),
    installments: add(a.installments, b.installments),
    productsCreated: [...new Set([...a.productsCreated, ...b.productsCreated])],
    kept: [...a.kept, ...b.kept],
    refused: [...a.refused, ...b.refused],
  };
}

type ExistingInstallment = { id: string; policyId: string; seq: number; dueDate: string; amountMinor: number; paidMinor: number };

const chunks = <T>(xs: T[], n = 1000) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** Existing installments of these policies with what each has received (payments in, refunds out). */
async function schedulesOf(q: Queryable, policyIds: string[]): Promise<Map<string, ExistingInstallment[]>> {
  const out = new Map<string, ExistingInstallment[]>();
  for (const ids of chunks(policyIds)) {
    if (!ids.length) continue;
    const result = await q.execute(sql`
      select i.id, i.policy_id, i.seq, i.due_date::text as due_date, i.amount_minor,
        coalesce((select -sum(l.amount_minor) from ledger_entries l where l.installment_id = i.id and l.kind in ('payment_received', 'refund')), 0) as paid
      from installments i where i.policy_id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`);
    for (const r of rowsOf<{ id: string; policy_id: string; seq: unknown; due_date: string; amount_minor: unknown; paid: unknown }>(result)) {
      const list = out.get(r.policy_id) ?? [];
      list.push({ id: r.id, policyId: r.policy_id, seq: Number(r.seq), dueDate: r.due_date, amountMinor: Number(r.amount_minor), paidMinor: Number(r.paid) });
      out.set(r.policy_id, list);
    }
  }
  return out;
}

export type BatchMode = { write: false } | { write: true; importId: string };

export async function processBatch(q: Queryable, groups: HolderGroup[], mode: BatchMode): Promise<Tally> {
  const tally = emptyTally();
  const allPolicies = groups.flatMap((g) => g.policies);
  const clientIds = groups.map((g) => g.holder.clientId);
  const emails = groups.map((g) => g.holder.email);
  const numbers = allPolicies.map((p) => p.number);
  const productNames = [...new Set(allPolicies.map((p) => p.product))];
  const agentCodes = [...new Set(allPolicies.flatMap((p) => (p.agent ? [p.agent] : [])))];

  const [holderRows, emailRows, policyRows, productRows, agentRows] = await Promise.all([
    q.select().from(users).where(inArray(users.clientId, clientIds)),
    q.select({ id: users.id, clientId: users.clientId, email: users.email }).from(users).where(inArray(users.email, emails)),
    // Locked while importing: a payment being booked on one of these policies waits (and vice versa).
    (() => {
      const s = q
        .select({ p: policies, agentCode: agents.code })
        .from(policies)
        .leftJoin(agents, eq(agents.id, policies.agentId))
        .where(inArray(policies.number, numbers));
      return mode.write ? s.for('update', { of: policies }) : s;
    })(),
    q.select().from(products).where(inArray(products.name, productNames)),
    agentCodes.length ? q.select().from(agents).where(inArray(agents.code, agentCodes)) : Promise.resolve([]),
  ]);
  const holderByClient = new Map(holderRows.map((u) => [u.clientId!, u]));
  const userByEmail = new Map(emailRows.map((u) => [u.email, u]));
  const policyByNumber = new Map(policyRows.map((r) => [r.p.number, r]));
  const productByName = new Map(productRows.map((p) => [p.name, p]));
  const agentByCode = new Map(agentRows.map((a) => [a.code!, a]));
  const schedules = await schedulesOf(q, policyRows.map((r) => r.p.id));

  const refuse = (p: PolicyInput, reason: string) => {
    for (const i of p.installments) tally.refused.push({ line: i.line, column: 'policy_number', reason, policyNumber: p.number });
  };

  // Decisions, then writes (in write mode) in a few bulk statements.
  type NewHolder = { clientId: string; values: typeof users.$inferInsert };
  const newHolders: NewHolder[] = [];
  const holderUpdates: { id: string; set: Partial<typeof users.$inferInsert> }[] = [];
  type PolicyPlan = { input: PolicyInput; existing?: (typeof policyRows)[number]; holderClientId: string };
  const plans: PolicyPlan[] = [];

  for (const g of groups) {
    const h = g.holder;
    const holder = holderByClient.get(h.clientId);
    const emailUser = userByEmail.get(h.email);
    if (emailUser && emailUser.clientId !== h.clientId) {
      for (const p of g.policies) refuse(p, `Email ${h.email} already belongs to another account in Malipo; client ${h.clientId} needs its own email.`);
      continue;
    }
    const kept = g.policies.filter((p) => {
      const ep = policyByNumber.get(p.number);
      if (ep && (!holder || ep.p.holderId !== holder.id)) {
        refuse(p, `Policy ${p.number} belongs to another holder in Malipo. An import never moves a policy to another holder.`);
        return false;
      }
      return true;
    });
    if (!kept.length) continue;
    if (!holder) {
      tally.holders.created++;
      newHolders.push({ clientId: h.clientId, values: { clientId: h.clientId, name: h.name, phone: h.phone, email: h.email, nationalId: h.nationalId, role: 'policyholder', passwordHash: null } });
    } else {
      const set: Partial<typeof users.$inferInsert> = {};
      if (holder.name !== h.name) set.name = h.name;
      if (holder.phone !== h.phone) set.phone = h.phone;
      if (holder.email !== h.email) set.email = h.email;
      if ((holder.nationalId ?? null) !== h.nationalId) set.nationalId = h.nationalId;
      if (Object.keys(set).length) {
        tally.holders.updated++;
        holderUpdates.push({ id: holder.id, set });
      } else tally.holders.unchanged++;
    }
    for (const p of kept) plans.push({ input: p, existing: policyByNumber.get(p.number), holderClientId: h.clientId });
  }

  // Products and agents the file names for the first time.
  const newProducts = productNames.filter((n) => !productByName.has(n) && plans.some((pl) => pl.input.product === n));
  tally.productsCreated = newProducts;
  const newAgents = agentCodes.filter((c) => !agentByCode.has(c) && plans.some((pl) => pl.input.agent === c));

  type InstallmentPlan = {
    inserts: { dueDate: string; amountMinor: number }[];
    updates: { id: string; from: number; to: number; dueDate: string; paidMinor: number }[];
    finalAmounts: number[];
  };
  const schedulePlans = new Map<string, InstallmentPlan>();
  for (const pl of plans) {
    const plan: InstallmentPlan = { inserts: [], updates: [], finalAmounts: [] };
    const existing = pl.existing ? (schedules.get(pl.existing.p.id) ?? []) : [];
    const byDate = new Map(existing.map((e) => [e.dueDate, e]));
    const inFile = new Set(pl.input.installments.map((i) => i.dueDate));
    for (const i of pl.input.installments) {
      const e = byDate.get(i.dueDate);
      if (!e) {
        plan.inserts.push(i);
        plan.finalAmounts.push(i.amountMinor);
        tally.installments.created++;
      } else if (e.amountMinor === i.amountMinor) {
        plan.finalAmounts.push(e.amountMinor);
        tally.installments.unchanged++;
      } else if (e.paidMinor !== 0) {
        plan.finalAmounts.push(e.amountMinor);
        tally.installments.unchanged++;
        tally.kept.push({
          policyNumber: pl.input.number,
          dueDate: i.dueDate,
          line: i.line,
          reason: `${formatKes(e.paidMinor)} is already paid against it, so it stays ${formatKes(e.amountMinor)} (the file says ${formatKes(i.amountMinor)}).`,
        });
      } else {
        plan.updates.push({ id: e.id, from: e.amountMinor, to: i.amountMinor, dueDate: e.dueDate, paidMinor: 0 });
        plan.finalAmounts.push(i.amountMinor);
        tally.installments.updated++;
      }
    }
    for (const e of existing) {
      if (inFile.has(e.dueDate) || e.amountMinor === 0) continue;
      if (e.paidMinor !== 0) {
        plan.finalAmounts.push(e.amountMinor);
        tally.kept.push({
          policyNumber: pl.input.number,
          dueDate: e.dueDate,
          line: null,
          reason: `Not in the file, but ${formatKes(e.paidMinor)} is already paid against it, so it stays.`,
        });
      } else {
        // Withdrawn from the schedule: its amount goes to zero and the ledger takes the charge back.
        plan.updates.push({ id: e.id, from: e.amountMinor, to: 0, dueDate: e.dueDate, paidMinor: 0 });
        tally.installments.withdrawn++;
      }
    }
    schedulePlans.set(pl.input.number, plan);
  }

  const premiumOf = (pl: PolicyPlan) => schedulePlans.get(pl.input.number)!.finalAmounts.reduce((s, a) => s + a, 0);
  const policyChanges = (pl: PolicyPlan) => {
    const e = pl.existing!;
    const i = pl.input;
    return (
      e.p.product !== i.product ||
      e.p.productId === null ||
      e.p.status !== i.status ||
      e.p.startDate !== i.startDate ||
      e.p.endDate !== i.endDate ||
      (e.agentCode ?? null) !== i.agent ||
      (i.agent ? e.p.commissionBps !== i.commissionBps : e.p.commissionBps !== 0) ||
      e.p.premiumMinor !== premiumOf(pl)
    );
  };
  for (const pl of plans) {
    if (!pl.existing) tally.policies.created++;
    else if (policyChanges(pl)) tally.policies.updated++;
    else tally.policies.unchanged++;
  }
  if (!mode.write) return tally;

  // ---- writes ----
  if (newProducts.length) {
    await q
      .insert(products)
      .values(newProducts.map((name) => {
        const cls = plans.find((pl) => pl.input.product === name)!.input.productClass ?? 'general';
        return { name, class: cls, graceDays: cls === 'life' ? 30 : null };
      }))
      .onConflictDoNothing({ target: products.name });
    for (const p of await q.select().from(products).where(inArray(products.name, newProducts))) productByName.set(p.name, p);
  }
  if (newAgents.length) {
    await q.insert(agents).values(newAgents.map((code) => ({ code, name: code }))).onConflictDoNothing({ target: agents.code });
    for (const a of await q.select().from(agents).where(inArray(agents.code, newAgents))) agentByCode.set(a.code!, a);
  }
  const holderId = new Map(holderRows.map((u) => [u.clientId!, u.id]));
  // Bulk rows go as one JSON parameter (any text is safe in it): far fewer bound parameters.
  for (const part of chunks(newHolders, 5000)) {
    const json = JSON.stringify(part.map((h) => ({ client_id: h.values.clientId, name: h.values.name, phone: h.values.phone, email: h.values.email, national_id: h.values.nationalId })));
    const rows = rowsOf<{ id: string; client_id: string }>(
      await q.execute(sql`
        insert into users (client_id, name, phone, email, national_id, role)
        select r.client_id, r.name, r.phone, r.email, r.national_id, 'policyholder'
        from jsonb_to_recordset(${json}::jsonb) as r(client_id text, name text, phone text, email text, national_id text)
        returning id, client_id`),
    );
    for (const r of rows) holderId.set(r.client_id, r.id);
  }
  await Promise.all(holderUpdates.map((u) => q.update(users).set(u.set).where(eq(users.id, u.id))));

  const policyValues = (pl: PolicyPlan) => {
    const agent = pl.input.agent ? agentByCode.get(pl.input.agent)! : null;
    return {
      product: pl.input.product,
      productId: productByName.get(pl.input.product)!.id,
      status: pl.input.status,
      startDate: pl.input.startDate,
      endDate: pl.input.endDate,
      agentId: agent?.id ?? null,
      commissionBps: agent ? pl.input.commissionBps : 0,
      premiumMinor: premiumOf(pl),
    };
  };
  const policyId = new Map(policyRows.map((r) => [r.p.number, r.p.id]));
  const created = plans.filter((pl) => !pl.existing);
  for (const part of chunks(created, 5000)) {
    const json = JSON.stringify(
      part.map((pl) => {
        const v = policyValues(pl);
        return {
          number: pl.input.number,
          holder_id: holderId.get(pl.holderClientId)!,
          product: v.product,
          product_id: v.productId,
          status: v.status,
          start_date: v.startDate,
          end_date: v.endDate,
          agent_id: v.agentId,
          commission_bps: v.commissionBps,
          premium_minor: v.premiumMinor,
        };
      }),
    );
    const rows = rowsOf<{ id: string; number: string }>(
      await q.execute(sql`
        insert into policies (number, holder_id, product, product_id, status, start_date, end_date, agent_id, commission_bps, premium_minor)
        select r.number, r.holder_id, r.product, r.product_id, r.status, r.start_date, r.end_date, r.agent_id, r.commission_bps, r.premium_minor
        from jsonb_to_recordset(${json}::jsonb) as r(number text, holder_id uuid, product text, product_id uuid, status policy_status,
          start_date date, end_date date, agent_id uuid, commission_bps int, premium_minor bigint)
        returning id, number`),
    );
    for (const r of rows) policyId.set(r.number, r.id);
  }
  await Promise.all(
    plans.filter((pl) => pl.existing && policyChanges(pl)).map((pl) => q.update(policies).set(policyValues(pl)).where(eq(policies.id, pl.existing!.p.id))),
  );

  // New installments (temporary seq after the existing ones; renumbered by due date below).
  const memo = `book import ${mode.importId.slice(0, 8)}`;
  const inserts: { policyId: string; seq: number; dueDate: string; amountMinor: number }[] = [];
  const holderOf = new Map<string, string>();
  const reseq: string[] = [];
  for (const pl of plans) {
    const id = policyId.get(pl.input.number)!;
    holderOf.set(id, holderId.get(pl.holderClientId)!);
    const plan = schedulePlans.get(pl.input.number)!;
    const maxSeq = Math.max(0, ...(pl.existing ? (schedules.get(id) ?? []).map((e) => e.seq) : []));
    plan.inserts.forEach((i, k) => inserts.push({ policyId: id, seq: maxSeq + k + 1, dueDate: i.dueDate, amountMinor: i.amountMinor }));
    if (pl.existing && plan.inserts.length) reseq.push(id);
  }
  // One statement per chunk, the columns sent as four text parameters (unnest of arrays): far
  // cheaper to send and plan than thousands of bound parameters, on PostgreSQL and PGlite alike.
  const csv = (xs: (string | number)[]) => xs.join(',');
  for (const part of chunks(inserts, 10_000)) {
    await q.execute(sql`
      with ins as (
        insert into installments (policy_id, seq, due_date, amount_minor)
        select * from unnest(
          string_to_array(${csv(part.map((i) => i.policyId))}, ',')::uuid[],
          string_to_array(${csv(part.map((i) => i.seq))}, ',')::int[],
          string_to_array(${csv(part.map((i) => i.dueDate))}, ',')::date[],
          string_to_array(${csv(part.map((i) => i.amountMinor))}, ',')::bigint[])
        returning id, policy_id, due_date, amount_minor
      )
      insert into ledger_entries (policy_id, user_id, installment_id, kind, book_import_id, amount_minor, memo)
      select ins.policy_id, p.holder_id, ins.id, 'premium_charged', ${mode.importId}::uuid, ins.amount_minor,
        'Premium installment due ' || ins.due_date::text || ' (' || ${memo} || ')'
      from ins join policies p on p.id = ins.policy_id`);
  }
  const updates = plans.flatMap((pl) => schedulePlans.get(pl.input.number)!.updates.map((u) => ({ ...u, policyId: policyId.get(pl.input.number)! })));
  await Promise.all(
    updates.map((u) => q.update(installments).set({ amountMinor: u.to, status: u.to === 0 ? 'paid' : 'due' }).where(eq(installments.id, u.id))),
  );
  if (updates.length)
    await q.insert(ledgerEntries).values(
      updates.map((u) => ({
        policyId: u.policyId,
        userId: holderOf.get(u.policyId)!,
        installmentId: u.id,
        kind: 'premium_charged' as const,
        bookImportId: mode.importId,
        amountMinor: u.to - u.from,
        memo: u.to === 0 ? `Installment due ${u.dueDate} withdrawn from the schedule (${memo})` : `Installment due ${u.dueDate} changed from ${formatKes(u.from)} to ${formatKes(u.to)} (${memo})`,
      })),
    );
  // The insurer's systems hear about every policy this batch created or changed (outbox, same transaction).
  const changedPlans = plans.filter((pl) => {
    const sp = schedulePlans.get(pl.input.number)!;
    return !pl.existing || policyChanges(pl) || sp.inserts.length > 0 || sp.updates.length > 0;
  });
  await emitEvents(
    q,
    changedPlans.map((pl) => ({
      type: 'policy.updated' as const,
      data: { object: 'policy_change', number: pl.input.number, client_id: pl.holderClientId, change: pl.existing ? 'updated' : 'created', status: pl.input.status, premium_minor: premiumOf(pl) },
    })),
  );
  if (reseq.length) {
    // Payments are allocated in seq order, so seq must follow the due dates. Two steps because
    // (policy_id, seq) is unique and checked row by row.
    const ids = sql.join(reseq.map((id) => sql`${id}::uuid`), sql`, `);
    await q.execute(sql`update installments set seq = -seq where policy_id in (${ids})`);
    await q.execute(sql`
      update installments i set seq = r.n
      from (select id, row_number() over (partition by policy_id order by due_date, -seq) as n from installments where policy_id in (${ids})) r
      where i.id = r.id`);
  }
  return tally;
}
