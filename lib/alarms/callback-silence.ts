// The silence alarm. Daraja never retries a callback (docs/daraja.md §6.5), so a broken callback URL
// (a certificate, a proxy, a firewall) loses every result silently while payments still complete
// through STK Query. Two symptoms raise it:
//  - silence: prompts went out in the last 15 minutes and not one of them got a callback;
//  - query majority: most M-Pesa payments completed in the last hour were settled by query, and
//    so were the latest ones (so it clears as soon as callbacks settle payments again).
// A recurring job checks every minute on one instance; raising emails the admins once.
import { eq, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Queryable } from '@/db/client';
import { alarms, users, type Alarm } from '@/db/schema';
import type { JobHandler } from '@/lib/jobs/worker';
import type { Mailer } from '@/lib/notifications/mailer';
import { deliverMessage, queueMessage } from '@/lib/notifications/outbox';

export const CALLBACK_SILENCE_ALARM = 'callback_silence';
export const CALLBACK_SILENCE_JOB = 'alarms.callback-silence';
const CHECK_EVERY_MS = 60_000;

export const SILENCE_RULES = {
  windowMs: 15 * 60_000,
  /** A prompt younger than this may not have been answered yet. */
  graceMs: 2 * 60_000,
  minPrompts: 3,
  queryWindowMs: 3600_000,
  minCompleted: 5,
  latest: 3,
} as const;

export type SilenceFigures = {
  promptsSent: number;
  promptsWithCallback: number;
  lastCallbackAt: string | null;
  completedLastHour: number;
  completedByQueryLastHour: number;
  latestCompletedByQuery: number;
  reasons: string[];
};

const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** The numbers behind the alarm, read through indexes on payments (created_at, completed_at) and events (payment_id). */
export async function measureCallbackSilence(db: Queryable, now = new Date()): Promise<SilenceFigures> {
  const r = SILENCE_RULES;
  const [prompts] = rowsOf<{ sent: unknown; answered: unknown; last_callback: unknown }>(
    await db.execute(sql`
      select count(*) as sent,
        count(*) filter (where cb.received_at is not null) as answered,
        max(cb.received_at) as last_callback
      from payments p
      left join lateral (
        select max(e.received_at) as received_at from gateway_events e
        where e.payment_id = p.id and e.kind = 'stk_callback'
      ) cb on true
      where p.method = 'mpesa' and p.checkout_request_id is not null
        and p.created_at > ${iso(new Date(now.getTime() - r.windowMs - r.graceMs))}
        and p.created_at <= ${iso(new Date(now.getTime() - r.graceMs))}`),
  );
  const completed = rowsOf<{ by_query: boolean }>(
    await db.execute(sql`
      select not exists (
        select 1 from gateway_events e where e.payment_id = p.id and e.kind = 'stk_callback'
      ) as by_query
      from payments p
      where p.status = 'completed' and p.method = 'mpesa'
        and p.completed_at > ${iso(new Date(now.getTime() - r.queryWindowMs))} and p.completed_at <= ${iso(now)}
      order by p.completed_at desc`),
  );
  const byQuery = completed.filter((c) => c.by_query === true || String(c.by_query) === 't').length;
  const latest = completed.slice(0, r.latest).filter((c) => c.by_query === true || String(c.by_query) === 't').length;
  const f: SilenceFigures = {
    promptsSent: Number(prompts.sent),
    promptsWithCallback: Number(prompts.answered),
    lastCallbackAt: prompts.last_callback ? new Date(String(prompts.last_callback)).toISOString() : null,
    completedLastHour: completed.length,
    completedByQueryLastHour: byQuery,
    latestCompletedByQuery: latest,
    reasons: [],
  };
  if (f.promptsSent >= r.minPrompts && f.promptsWithCallback === 0) {
    f.reasons.push(`${f.promptsSent} M-Pesa prompts sent in the last 15 minutes and no callback for any of them`);
  }
  if (f.completedLastHour >= r.minCompleted && byQuery * 2 > f.completedLastHour && latest === Math.min(r.latest, f.completedLastHour)) {
    f.reasons.push(`${byQuery} of ${f.completedLastHour} M-Pesa payments in the last hour were confirmed by query, not by callback`);
  }
  return f;
}

export function isRaised(alarm: Pick<Alarm, 'raisedAt' | 'clearedAt'> | undefined | null): boolean {
  return !!alarm?.raisedAt && !alarm.clearedAt;
}

export async function currentAlarm(db: Queryable, name = CALLBACK_SILENCE_ALARM): Promise<Alarm | null> {
  const [row] = await db.select().from(alarms).where(eq(alarms.name, name));
  return isRaised(row) ? row : null;
}

export type SilenceDeps = { mailer: () => Mailer | null; origin: () => string };

/** Checks, raises or clears, and emails the admins once per raising. Returns the alarm's state. */
export async function checkCallbackSilence(db: Db, deps: SilenceDeps, now = new Date()): Promise<{ raised: boolean; changed: boolean; figures: SilenceFigures }> {
  const figures = await measureCallbackSilence(db, now);
  const firing = figures.reasons.length > 0;
  const [before] = await db.select().from(alarms).where(eq(alarms.name, CALLBACK_SILENCE_ALARM));
  const wasRaised = isRaised(before);
  const raisedAt = firing ? (wasRaised ? before!.raisedAt : now) : (before?.raisedAt ?? null);
  const clearedAt = firing ? null : wasRaised ? now : (before?.clearedAt ?? null);
  await db
    .insert(alarms)
    .values({ name: CALLBACK_SILENCE_ALARM, raisedAt, clearedAt, checkedAt: now, figures })
    .onConflictDoUpdate({ target: alarms.name, set: { raisedAt, clearedAt, checkedAt: now, figures } });
  if (firing && !wasRaised) await emailAdmins(db, deps, figures, now);
  return { raised: firing, changed: firing !== wasRaised, figures };
}

async function emailAdmins(db: Db, deps: SilenceDeps, f: SilenceFigures, raisedAt: Date) {
  const admins = await db.select({ id: users.id, email: users.email, name: users.name }).from(users).where(eq(users.role, 'admin'));
  const text = [
    'M-Pesa callbacks have stopped reaching Malipo.',
    '',
    ...f.reasons.map((r) => `- ${r}.`),
    `- Last callback received: ${f.lastCallbackAt ?? 'none in the window'}.`,
    '',
    'Payments are still being confirmed by STK Query, but M-Pesa receipt numbers are missing and',
    'confirmations are slower. Check the callback URL (MPESA_CALLBACK_URL): its certificate, proxy and',
    `firewall. The staff overview shows the alarm until callbacks return: ${deps.origin()}/staff`,
  ].join('\n');
  for (const admin of admins) {
    const { id } = await queueMessage(db, {
      dedupeKey: `alarm:${CALLBACK_SILENCE_ALARM}:${raisedAt.getTime()}:${admin.id}`,
      userId: admin.id,
      toEmail: admin.email,
      kind: 'alarm_callback_silence',
      subject: 'Alarm: M-Pesa callbacks are not arriving',
      textBody: text,
    });
    await deliverMessage(db, deps.mailer(), id).catch(() => {});
  }
}

export function callbackSilenceJobHandler(deps: SilenceDeps): JobHandler {
  return async (db) => {
    const r = await checkCallbackSilence(db, deps);
    return { done: false, retryAt: new Date(Date.now() + CHECK_EVERY_MS), note: r.raised ? 'raised' : 'quiet' };
  };
}
