// Daraja's C2B confirmation and validation (docs/daraja.md §10.3), as our two endpoints receive
// them. Unsigned (§10): the URL's own secret segment (urls.ts) is the proof it came from where we
// registered it; the optional allow-list of Safaricom's addresses is a second signal that holds a
// confirmation for staff, never the only one. A confirmation is stored raw and queued in one
// statement, answered at once, and applied by a worker through ingestPaybillPayment.
import crypto from 'node:crypto';
import type { Db } from '@/db/client';
import { paybillSettings } from '@/lib/env';
import { runDueJobs, wakeWorkers, type JobHandler } from '@/lib/jobs/worker';
import { log } from '@/lib/log';
import { applyReceivedEvent, bodyDedupeKey, receiveDarajaCallback, receiveGatewayMessage } from '@/lib/payments/core/gateway-events';
import { C2B_ACCEPT, parseC2bBody, toPaybillPayment, validationReply } from '@/lib/payments/mpesa/c2b-adapter';
import { accountCouldMatch } from './match';
import { policyCandidates } from './policy-lookup';
import { ingestPaybillPaymentIn, PAYBILL_RECHECK_JOB, recheckPaybillReceipt } from './ingest';
import { verifyC2bSecret } from './urls';

export const APPLY_C2B_CONFIRMATION_JOB = 'paybill.apply-confirmation';
const MAX_BODY_BYTES = 64 * 1024;
/** Daraja waits about 8 s for a validation answer; we answer within 2 s whatever happens. */
const VALIDATION_BUDGET_MS = 1500;

export type C2bAnswer = { status: number; body: Record<string, unknown>; outcome: string; eventId?: number };

const NOT_FOUND: C2bAnswer = { status: 404, body: { ResultCode: 'C2B00016', ResultDesc: 'Not found' }, outcome: 'bad_secret' };

/** Receives one confirmation: logged (with its request id, which its apply job inherits) and counted, like an STK callback. */
export async function handleC2bConfirmation(
  db: Db,
  args: { secret: string; rawBody: string; clientIp: string; requestId?: string },
): Promise<C2bAnswer> {
  const requestId = args.requestId ?? crypto.randomUUID();
  return receiveDarajaCallback('C2B confirmation', { kind: 'c2b_confirmation' }, requestId, () => receiveC2bConfirmation(db, { ...args, requestId }));
}

async function receiveC2bConfirmation(db: Db, args: { secret: string; rawBody: string; clientIp: string; requestId: string }): Promise<C2bAnswer> {
  // A forged or guessed URL changes nothing: no row, no job.
  if (!verifyC2bSecret('confirmation', args.secret)) return NOT_FOUND;
  if (Buffer.byteLength(args.rawBody) > MAX_BODY_BYTES) return { status: 413, body: { ResultCode: 'C2B00016', ResultDesc: 'Body too large' }, outcome: 'too_large' };
  let json: unknown = null;
  let malformed = false;
  try {
    json = JSON.parse(args.rawBody);
  } catch {
    malformed = true;
  }
  const parsed = malformed ? null : parseC2bBody(json);
  const valid = parsed?.ok === true;
  const { allowedIps } = paybillSettings();
  const held = allowedIps.length > 0 && !allowedIps.includes(args.clientIp) ? `Held: the confirmation came from ${args.clientIp}, which is not on MPESA_CALLBACK_ALLOWED_IPS.` : undefined;
  const stored = await receiveGatewayMessage(db, {
    source: 'daraja',
    kind: 'c2b_confirmation',
    // One transaction, one event: a resent confirmation (whatever its bytes) is the same one.
    dedupeKey: valid ? `c2b_confirmation:${parsed.value.transId}` : bodyDedupeKey('c2b_confirmation', args.rawBody),
    paymentId: null,
    raw: args.rawBody,
    payload: malformed ? null : json,
    rejected: valid ? null : malformed ? 'malformed_json' : 'invalid_shape',
    job: { kind: APPLY_C2B_CONFIRMATION_JOB, payload: { requestId: args.requestId, ...(held ? { held } : {}) } },
  });
  if (held) log.warn({ requestId: args.requestId, gateway: 'daraja', event: 'c2b.source_not_allowed', eventId: stored.eventId ?? undefined }, 'C2B confirmation from an address not on the allow-list: held for staff');
  if (!valid) {
    log.warn({ requestId: args.requestId, gateway: 'daraja', event: 'c2b.malformed', error: parsed && !parsed.ok ? parsed.error : 'malformed_json' }, 'C2B confirmation could not be read');
    return { status: 400, body: { ResultCode: 'C2B00016', ResultDesc: 'Rejected: malformed confirmation' }, outcome: 'malformed' };
  }
  if (stored.eventId === null) return { status: 200, body: C2B_ACCEPT, outcome: 'duplicate' };
  await wakeWorkers(db);
  return { status: 200, body: C2B_ACCEPT, outcome: 'queued', eventId: stored.eventId };
}

/**
 * Validation (only when Safaricom enabled it for the shortcode, MPESA_C2B_VALIDATION): refuse an
 * account that matches no active policy (C2B00012), accept everything else, and answer within the
 * budget whatever the database does (then accept: the confirmation is matched properly anyway).
 */
export async function handleC2bValidation(db: Db, args: { secret: string; rawBody: string }): Promise<C2bAnswer> {
  if (!verifyC2bSecret('validation', args.secret)) return NOT_FOUND;
  if (!paybillSettings().validation) return { status: 200, body: C2B_ACCEPT, outcome: 'validation_off' };
  let json: unknown = null;
  try {
    json = JSON.parse(args.rawBody);
  } catch {
    return { status: 200, body: C2B_ACCEPT, outcome: 'unreadable' };
  }
  const parsed = parseC2bBody(json);
  if (!parsed.ok) return { status: 200, body: C2B_ACCEPT, outcome: 'unreadable' };
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), VALIDATION_BUDGET_MS).unref?.());
  const verdict = await Promise.race([
    policyCandidates(db, parsed.value.billRef).then((c) => accountCouldMatch(parsed.value.billRef, c)),
    timeout,
  ]).catch(() => null);
  if (verdict === null) return { status: 200, body: C2B_ACCEPT, outcome: 'slow_accepted' };
  return { status: 200, body: validationReply(verdict), outcome: verdict ? 'accepted' : 'rejected_account' };
}

/** The job: applies one stored confirmation once (event marked and job deleted in the same transaction). */
export function applyC2bConfirmationEvent(db: Db, eventId: number, job: { id?: number; requestId?: string; held?: string } = {}): Promise<string> {
  return applyReceivedEvent(db, eventId, job, async (tx, event) => {
    const parsed = parseC2bBody(event.payload);
    if (!parsed.ok) return 'invalid_shape';
    const result = await ingestPaybillPaymentIn(tx, toPaybillPayment(parsed.value, event.id), { holdReason: job.held });
    return `paybill_${result.outcome}`;
  });
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export const paybillJobHandlers: Record<string, JobHandler> = {
  [APPLY_C2B_CONFIRMATION_JOB]: async (db, job) => {
    const payload = job.payload as { eventId?: unknown; requestId?: unknown; held?: unknown };
    const note = await applyC2bConfirmationEvent(db, Number(payload.eventId), { id: job.id, requestId: str(payload.requestId), held: str(payload.held) });
    return { done: true, finished: true, note };
  },
  [PAYBILL_RECHECK_JOB]: async (db, job) => {
    const payload = job.payload as { receiptId?: unknown; attempt?: unknown };
    return { done: true, note: await recheckPaybillReceipt(db, String(payload.receiptId ?? ''), Number(payload.attempt ?? 1)) };
  },
};

/** Applies every queued confirmation now (tests, and anything that must not wait for a worker). */
export async function applyQueuedConfirmations(db: Db): Promise<number> {
  let total = 0;
  for (let n = -1; n !== 0; total += n) n = await runDueJobs(db, paybillJobHandlers, 50, [APPLY_C2B_CONFIRMATION_JOB]);
  return total;
}
