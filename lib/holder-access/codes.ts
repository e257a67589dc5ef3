// One-time codes: six digits, valid 5 minutes, at most 5 tries, only an HMAC kept at rest.
//
// Asking for a code answers the same whatever was entered (no account discovery) and does the same
// work either way: it counts the abuse limits and queues one job. The job, in the background, looks
// the person up and, only if they exist, stores the code's hash and sends it. A challenge id that
// matched nobody has no row, so every code entered for it is simply "not right".
import crypto from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from '@/db/client';
import { oneTimeCodes, policies, users } from '@/db/schema';
import { serverSecret } from '@/lib/env';
import { enqueueJob } from '@/lib/jobs/queue';
import { wakeWorkers } from '@/lib/jobs/worker';
import { normalizeKenyanPhone } from '@/lib/phone';
import { hitLimit, minutesText } from '@/lib/rate-limit';
import { queueHolderEmail, queueSms } from '@/lib/sms/outbox';
import { codeEmail, codeSms } from './messages';

export const CODE_JOB = 'holder.code';
export const CODE_TTL_MS = 5 * 60_000;
export const CODE_MAX_TRIES = 5;

export type CodePurpose = 'signin' | 'claim' | 'guest';

function envInt(v: string | undefined, fallback: number) {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Codes asked for per phone/email/policy number and per client address, per 15 minutes. */
export function codeLimits(env: NodeJS.ProcessEnv = process.env) {
  return {
    perDestination: { limit: envInt(env.RATE_LIMIT_CODES_PER_DESTINATION, 5), windowSeconds: 900 },
    perAddress: { limit: envInt(env.RATE_LIMIT_CODES_PER_ADDRESS, 20), windowSeconds: 900 },
    wrongCodesPerAddress: { limit: envInt(env.RATE_LIMIT_CODE_TRIES_PER_ADDRESS, 30), windowSeconds: 900 },
  };
}

const policyNumber = z.string().trim().toUpperCase().min(3, 'Enter your policy number.').max(40, 'That policy number is too long.').regex(/^[A-Z0-9\-/ ]+$/, 'Enter the policy number as it appears on your documents.');
const phoneField = z.string().max(32).transform((v, ctx) => {
  const n = normalizeKenyanPhone(v);
  if (!n.ok) {
    ctx.addIssue({ code: 'custom', message: n.error });
    return z.NEVER;
  }
  return n.msisdn;
});
const nationalIdField = z.string().trim().toUpperCase().max(20).regex(/^[A-Z0-9]{4,20}$/, 'Enter your national ID number (digits only).');

export const codeRequestSchema = z.discriminatedUnion('purpose', [
  z.object({
    purpose: z.literal('signin'),
    identifier: z.string().trim().min(1, 'Enter your phone number or email address.').max(200).transform((v, ctx) => {
      if (v.includes('@')) {
        const email = z.string().email().safeParse(v.toLowerCase());
        if (!email.success) ctx.addIssue({ code: 'custom', message: 'Enter a valid email address.' });
        return { email: v.toLowerCase() };
      }
      const n = normalizeKenyanPhone(v);
      if (!n.ok) ctx.addIssue({ code: 'custom', message: n.error });
      return { phone: n.ok ? n.msisdn : '' };
    }),
  }),
  z.object({ purpose: z.literal('claim'), policyNumber, phone: phoneField.optional(), nationalId: nationalIdField.optional() }).refine((v) => v.phone || v.nationalId, {
    message: 'Enter the phone number or the national ID number the insurer has for you.',
  }),
  z.object({ purpose: z.literal('guest'), policyNumber, phone: phoneField }),
]);
export type CodeRequest = z.input<typeof codeRequestSchema>;
type ParsedRequest = z.output<typeof codeRequestSchema>;

function destinationKey(r: ParsedRequest) {
  if (r.purpose === 'signin') return `code:dest:${r.identifier.email ?? r.identifier.phone}`;
  return `code:policy:${r.policyNumber}`;
}

export type CodeAsked = { ok: true; challengeId: string } | { ok: false; error: string; field?: string };

/** Validates, counts the limits and queues the lookup; the answer never depends on who exists. */
export async function requestCode(db: Db, raw: unknown, ctx: { address: string; now?: Date }): Promise<CodeAsked> {
  const parsed = codeRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: issue.message, field: String(issue.path[0] ?? '') };
  }
  const limits = codeLimits();
  const now = ctx.now ?? new Date();
  const byAddress = await hitLimit(db, `code:addr:${ctx.address}`, limits.perAddress, now);
  const byDestination = await hitLimit(db, destinationKey(parsed.data), limits.perDestination, now);
  for (const l of [byAddress, byDestination]) {
    if (!l.allowed) return { ok: false, error: `Too many codes asked for. Please wait ${minutesText(l.retryAfterSeconds)} and try again.` };
  }
  const challengeId = crypto.randomUUID();
  // The job gets the input as typed (only the known fields) and validates it again itself.
  const input = raw as Record<string, unknown>;
  const request = Object.fromEntries(['purpose', 'identifier', 'policyNumber', 'phone', 'nationalId'].filter((k) => typeof input[k] === 'string').map((k) => [k, input[k]]));
  await enqueueJob(db, { kind: CODE_JOB, key: `${CODE_JOB}:${challengeId}`, payload: { challengeId, request }, priority: 8 });
  await wakeWorkers(db);
  return { ok: true, challengeId };
}

export function hashCode(challengeId: string, code: string, secret = serverSecret()) {
  return crypto.createHmac('sha256', secret).update(`otp:${challengeId}:${code}`).digest('hex');
}

type Target = { userId: string; phone: string | null; email: string | null; policyId: string | null; channel: 'sms' | 'email' };

/** Who the request points at, or null. Policy numbers and phones must both match the insurer's records. */
async function findTarget(db: Queryable, r: ParsedRequest): Promise<Target | null> {
  if (r.purpose === 'signin') {
    const where = r.identifier.email ? eq(users.email, r.identifier.email) : eq(users.phone, r.identifier.phone ?? '');
    const [u] = await db.select().from(users).where(and(where, eq(users.role, 'policyholder'))).limit(1);
    if (!u) return null;
    if (r.identifier.email) return { userId: u.id, phone: u.phone, email: u.email, policyId: null, channel: 'email' };
    return { userId: u.id, phone: u.phone, email: u.email, policyId: null, channel: 'sms' };
  }
  const [row] = await db
    .select({ user: users, policyId: policies.id, status: policies.status })
    .from(policies)
    .innerJoin(users, eq(users.id, policies.holderId))
    .where(eq(sql`upper(${policies.number})`, r.policyNumber));
  if (!row?.user.phone || row.user.role !== 'policyholder') return null;
  const phoneMatches = !!r.phone && r.phone === row.user.phone;
  if (r.purpose === 'guest') {
    if (!phoneMatches || row.status !== 'active') return null;
    return { userId: row.user.id, phone: row.user.phone, email: row.user.email, policyId: row.policyId, channel: 'sms' };
  }
  const idMatches = !!r.nationalId && !!row.user.nationalId && r.nationalId === row.user.nationalId.replace(/\s+/g, '').toUpperCase();
  if (!phoneMatches && !idMatches) return null;
  // The code always goes to the phone the insurer has on file, never to a number typed here.
  return { userId: row.user.id, phone: row.user.phone, email: row.user.email, policyId: null, channel: 'sms' };
}

const jobPayload = z.object({ challengeId: z.string().uuid(), request: z.unknown() });

/** The background half of requestCode: look the person up; if found, store the hash and send. */
export async function runCodeJob(db: Db, payload: unknown, now = new Date()): Promise<string> {
  const p = jobPayload.safeParse(payload);
  if (!p.success) return 'ignored: bad payload';
  const r = codeRequestSchema.safeParse(p.data.request);
  if (!r.success) return 'ignored: bad request';
  const target = await findTarget(db, r.data);
  if (!target) return 'no match';
  const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
  const challengeId = p.data.challengeId;
  await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(oneTimeCodes)
      .values({
        id: challengeId,
        purpose: r.data.purpose,
        channel: target.channel,
        userId: target.userId,
        policyId: target.policyId,
        codeHash: hashCode(challengeId, code),
        expiresAt: new Date(now.getTime() + CODE_TTL_MS),
      })
      .onConflictDoNothing()
      .returning({ id: oneTimeCodes.id });
    if (!inserted.length) return; // a retried job: the first run already sent it
    if (target.channel === 'sms' && target.phone) {
      await queueSms(tx, { dedupeKey: `code:${challengeId}`, userId: target.userId, toPhone: target.phone, kind: 'code', body: codeSms(code, r.data.purpose) }, { priority: 8 });
    } else if (target.email) {
      const mail = codeEmail(code, r.data.purpose);
      await queueHolderEmail(tx, { dedupeKey: `code:${challengeId}`, userId: target.userId, toEmail: target.email, kind: 'code', subject: mail.subject, textBody: mail.text }, 8);
    }
  });
  await wakeWorkers(db);
  return `sent by ${target.channel}`;
}

export type CodeCheck = { ok: true; userId: string; purpose: CodePurpose; policyId: string | null } | { ok: false };

/** Checks a code once. Wrong, expired, used, tried 5 times, or for nobody: the same refusal. */
export async function verifyCode(db: Db, challengeId: string, code: string, now = new Date()): Promise<CodeCheck> {
  if (!z.string().uuid().safeParse(challengeId).success || !/^\d{6}$/.test(code)) return { ok: false };
  const given = Buffer.from(hashCode(challengeId, code), 'hex');
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(oneTimeCodes).where(eq(oneTimeCodes.id, challengeId)).for('update');
    const live = !!row && !row.usedAt && row.expiresAt > now && row.attempts < CODE_MAX_TRIES && !!row.userId;
    const expected = Buffer.from(live ? row.codeHash : '00'.repeat(32), 'hex');
    const matches = crypto.timingSafeEqual(given, expected) && live;
    // Every try is counted with the same statement, whether or not this challenge has a code: a
    // wrong code answers in the same time for a phone we know and one we do not.
    await tx
      .update(oneTimeCodes)
      .set({ attempts: sql`${oneTimeCodes.attempts} + 1`, ...(matches ? { usedAt: now } : {}) })
      .where(eq(oneTimeCodes.id, challengeId));
    if (!matches || !row?.userId) return { ok: false } as const;
    if (row.purpose === 'claim') {
      await tx.update(users).set({ claimedAt: sql`coalesce(${users.claimedAt}, now())` }).where(eq(users.id, row.userId));
    }
    return { ok: true, userId: row.userId, purpose: row.purpose as CodePurpose, policyId: row.policyId } as const;
  });
}
