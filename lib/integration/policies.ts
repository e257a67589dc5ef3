// PUT/GET /api/v1/policies/{number}: one policy with its holder and schedule, by exactly the book
// import's rules. The JSON body becomes the book file's rows (one per installment), checked by the
// import's own row schema and grouping, and written by its own batch code (lib/book/), so a policy
// sent by the API and the same policy in a file end up the same, with the same refusals.
import { eq } from 'drizzle-orm';
import type { Queryable, Tx } from '@/db/client';
import { bookImports, policies, users } from '@/db/schema';
import { processBatch, type Tally } from '@/lib/book/apply';
import type { ColumnKey } from '@/lib/book/columns';
import { groupBook } from '@/lib/book/group';
import { bookRowSchema, type BookRow } from '@/lib/book/row';
import { standingOf } from '@/lib/book/standing';
import { installmentState } from '@/lib/history/schedule';
import { installmentsWithPaid, policyBalance } from '@/lib/payments/core/ledger';
import { minorToDecimal } from '@/lib/money';
import { todayInNairobi } from '@/lib/nairobi-time';
import { errorBody, fieldOf } from './errors';
import type { StoredAnswer } from './idempotency';
import type { ApiCaller } from './keys';
import { API_IMPORT_PREFIX } from './scopes';
import { policyPutSchema, type policySchema, type PolicyPut } from './schemas';
import type { z } from 'zod';

export type PolicyObject = z.infer<typeof policySchema>;

/** A book column -> the API field it came from. */
function apiField(column: ColumnKey | null, index: number): string | null {
  const map: Partial<Record<ColumnKey, string>> = {
    client_id: 'holder.client_id',
    holder_name: 'holder.name',
    phone: 'holder.phone',
    email: 'holder.email',
    national_id: 'holder.national_id',
    policy_number: 'number',
    product: 'product',
    product_class: 'product_class',
    policy_status: 'status',
    start_date: 'start_date',
    end_date: 'end_date',
    due_date: `installments[${index}].due_date`,
    amount: `installments[${index}].amount_minor`,
    agent: 'agent',
    commission_rate: 'commission_rate',
  };
  return column ? (map[column] ?? column) : null;
}

/** The body as the book file's rows (strings, as a CSV would carry them). */
function toRows(number: string, p: PolicyPut): Record<ColumnKey, string>[] {
  return p.installments.map((i) => ({
    client_id: p.holder.client_id,
    holder_name: p.holder.name,
    phone: p.holder.phone,
    email: p.holder.email,
    national_id: p.holder.national_id ?? '',
    policy_number: number,
    product: p.product,
    product_class: p.product_class ?? '',
    policy_status: p.status,
    start_date: p.start_date,
    end_date: p.end_date,
    due_date: i.due_date,
    amount: minorToDecimal(i.amount_minor),
    agent: p.agent ?? '',
    commission_rate: p.commission_rate ?? '',
  }));
}

const unprocessable = (message: string, field: string | null): StoredAnswer => ({ status: 422, body: errorBody('validation_failed', message, field) });

function changedSomething(t: Tally): boolean {
  return t.holders.created + t.holders.updated + t.policies.created + t.policies.updated + t.installments.created + t.installments.updated + t.installments.withdrawn > 0;
}

/** Validates and upserts; runs inside the caller's (idempotent) transaction. */
export async function putPolicy(tx: Tx, caller: ApiCaller, number: string, body: unknown, rawBody: string): Promise<StoredAnswer> {
  if (!caller.scopes.includes('policies:write')) return { status: 403, body: errorBody('forbidden', 'This API key lacks the policies:write permission.', 'Authorization') };
  const parsed = policyPutSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return unprocessable(issue.message, fieldOf(issue.path));
  }
  const rows: BookRow[] = [];
  for (const [i, raw] of toRows(number, parsed.data).entries()) {
    const row = bookRowSchema.safeParse(raw);
    if (!row.success) {
      const issue = row.error.issues[0];
      return unprocessable(issue.message, apiField((issue.path[0] as ColumnKey | undefined) ?? null, i));
    }
    rows.push({ ...row.data, line: i + 1 });
  }
  const book = groupBook(rows, []);
  if (book.rejected.length) {
    // The row at fault, not the rows held back because the policy is imported whole or not at all.
    const r = book.rejected.find((x) => x.column !== 'policy_number') ?? book.rejected[0];
    return unprocessable(r.reason, apiField(r.column, r.line - 1));
  }
  const plan = await processBatch(tx, book.groups, { write: false });
  if (plan.refused.length) return { status: 409, body: errorBody('conflict', plan.refused[0].reason, 'holder.client_id') };
  let tally = plan;
  if (changedSomething(plan)) {
    // The ledger ties every schedule line to the import that wrote it: an API write is a
    // one-policy import, recorded as done (kept out of the console's import list).
    const [imp] = await tx
      .insert(bookImports)
      .values({
        fileName: `${API_IMPORT_PREFIX}${number}`.slice(0, 200),
        fileSha256: '',
        content: rawBody,
        status: 'done',
        preview: plan,
        uploadedBy: caller.createdBy,
        confirmedBy: caller.createdBy,
        confirmedAt: new Date(),
        finishedAt: new Date(),
        totalBatches: 1,
        batchesDone: 1,
      })
      .returning({ id: bookImports.id });
    tally = await processBatch(tx, book.groups, { write: true, importId: imp.id });
    await tx.update(bookImports).set({ result: tally }).where(eq(bookImports.id, imp.id));
  }
  const policy = (await policyObject(tx, number))!;
  const result = tally.policies.created ? 'created' : changedSomething(tally) ? 'updated' : 'unchanged';
  return {
    status: tally.policies.created ? 201 : 200,
    body: { policy, result, kept: tally.kept.map((k) => ({ due_date: k.dueDate, reason: k.reason })) },
  };
}

export async function policyObject(db: Queryable, number: string, now = new Date()): Promise<PolicyObject | null> {
  const [row] = await db.select({ p: policies, clientId: users.clientId }).from(policies).innerJoin(users, eq(users.id, policies.holderId)).where(eq(policies.number, number));
  if (!row) return null;
  const today = todayInNairobi(now);
  const [lines, balance] = await Promise.all([installmentsWithPaid(db, row.p.id), policyBalance(db, row.p.id)]);
  const schedule = lines
    .filter((i) => i.amountMinor > 0 || i.paidMinor > 0)
    .map((i) => ({ seq: i.seq, due_date: i.dueDate, amount_minor: i.amountMinor, paid_minor: i.paidMinor, left_minor: Math.max(i.amountMinor - i.paidMinor, 0), state: installmentState(i, today) }));
  const standing = await standingOf(db, row.p, schedule.map((s) => ({ dueDate: s.due_date, leftMinor: s.left_minor })), today);
  return {
    object: 'policy',
    number: row.p.number,
    client_id: row.clientId,
    product: row.p.product,
    status: row.p.status,
    start_date: row.p.startDate,
    end_date: row.p.endDate,
    currency: row.p.currency,
    premium_minor: row.p.premiumMinor,
    balance_minor: balance,
    overdue_minor: schedule.filter((s) => s.state === 'overdue').reduce((t, s) => t + s.left_minor, 0),
    standing,
    installments: schedule,
  };
}
