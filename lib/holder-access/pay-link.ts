// Pay links: a signed, self-contained token naming one installment and the day it stops working
// (due date + grace). Anyone holding the link may pay that installment, like a paper bill; it
// opens a session scoped to that one policy (lib/viewer.ts PayScope). 27 bytes, 36 characters in
// base64url, so a whole reminder with its link fits in one SMS.
import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { installments, policies } from '@/db/schema';
import { serverSecret } from '@/lib/env';
import type { PayScope } from '@/lib/viewer';

const EPOCH_DAY = Date.UTC(2020, 0, 1) / 86400_000;
const MAC_BYTES = 9;
/** A pay-link / guest session lasts an hour: long enough to pay, short for a shared phone. */
export const PAYER_SESSION_MS = 3600_000;

export function payLinkGraceDays(env: NodeJS.ProcessEnv = process.env) {
  const n = Number(env.PAY_LINK_GRACE_DAYS);
  return Number.isInteger(n) && n >= 0 && n <= 365 ? n : 30;
}

function dayNumber(isoDay: string) {
  return Date.parse(`${isoDay}T00:00:00Z`) / 86400_000 - EPOCH_DAY;
}

function mac(payload: Buffer, secret: string) {
  return crypto.createHmac('sha256', secret).update('malipo:paylink:').update(payload).digest().subarray(0, MAC_BYTES);
}

/** The token for one installment; it works through the end of (due date + grace days), Nairobi time. */
export function payLinkToken(installmentId: string, dueDate: string, opts: { graceDays?: number; secret?: string } = {}) {
  const payload = Buffer.alloc(18);
  Buffer.from(installmentId.replace(/-/g, ''), 'hex').copy(payload, 0);
  payload.writeUInt16BE(dayNumber(dueDate) + (opts.graceDays ?? payLinkGraceDays()), 16);
  return Buffer.concat([payload, mac(payload, opts.secret ?? serverSecret())]).toString('base64url');
}

export function payLinkUrl(origin: string, installmentId: string, dueDate: string) {
  return `${origin}/p/${payLinkToken(installmentId, dueDate)}`;
}

export type PayLinkCheck =
  | { ok: true; installmentId: string; policyId: string; holderId: string }
  | { ok: false; reason: 'invalid' | 'expired' | 'closed' };

/** Checks the signature and the date, then that the installment's policy can still take payments. */
export async function openPayLink(db: Queryable, token: string, now = new Date(), secret = serverSecret()): Promise<PayLinkCheck> {
  if (!/^[A-Za-z0-9_-]{36}$/.test(token)) return { ok: false, reason: 'invalid' };
  const raw = Buffer.from(token, 'base64url');
  const payload = raw.subarray(0, 18);
  if (raw.length !== 18 + MAC_BYTES || !crypto.timingSafeEqual(raw.subarray(18), mac(payload, secret))) return { ok: false, reason: 'invalid' };
  const lastDay = payload.readUInt16BE(16);
  // Nairobi's calendar day (UTC+3, no daylight saving).
  const today = Math.floor((now.getTime() + 3 * 3600_000) / 86400_000) - EPOCH_DAY;
  if (today > lastDay) return { ok: false, reason: 'expired' };
  const hex = payload.subarray(0, 16).toString('hex');
  const installmentId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const [row] = await db
    .select({ policyId: policies.id, holderId: policies.holderId, status: policies.status })
    .from(installments)
    .innerJoin(policies, eq(policies.id, installments.policyId))
    .where(and(eq(installments.id, installmentId)));
  if (!row) return { ok: false, reason: 'invalid' };
  if (row.status !== 'active') return { ok: false, reason: 'closed' };
  return { ok: true, installmentId, policyId: row.policyId, holderId: row.holderId };
}

export const SINCE_SLACK_MS = 2000;

/** The scope of a pay-link or guest session that starts now. */
export function payerScope(policyId: string, installmentId: string | undefined, now = new Date()): PayScope {
  // A few seconds of slack for clock differences between this instance and the database.
  return { policyId, ...(installmentId ? { installmentId } : {}), since: now.getTime() - SINCE_SLACK_MS, until: now.getTime() + PAYER_SESSION_MS };
}
