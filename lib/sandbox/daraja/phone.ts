/**
 * The sandbox's simulated phone: a tester answers an STK prompt (or lets it time out) and the
 * phone side POSTs Daraja's callback to the CallBackURL given at push time, byte for byte in the
 * shape of docs/daraja.md §6. Delivered once, no retry, like Daraja (docs/daraja.md §6.5).
 */
import crypto from 'node:crypto';
import { and, count, desc, eq, isNull, lt } from 'drizzle-orm';
import { z } from 'zod';
import { uuidField } from '@/lib/uuid';

import type { Queryable } from '@/db/client';
import { sandboxStkPrompts, type SandboxStkPrompt } from '@/db/sandbox-schema';
import { darajaTimestamp } from '@/lib/gateways/daraja/password';

export const PROMPT_ACTIONS = ['pin', 'cancel', 'insufficient', 'wrong_pin', 'no_answer'] as const;
export type PromptAction = (typeof PROMPT_ACTIONS)[number];

/** Callback texts as the 2026 sandbox writes them (docs/daraja.md §6.2, §7, §12.11). */
const OUTCOMES: Record<PromptAction, { code: string; desc: string }> = {
  pin: { code: '0', desc: 'The service request is processed successfully.' },
  cancel: { code: '1032', desc: 'Request Cancelled by user.' },
  insufficient: { code: '1', desc: 'The balance is insufficient for the transaction.' },
  wrong_pin: { code: '2001', desc: 'The initiator information is invalid.' },
  no_answer: { code: '1037', desc: 'No response from user.' },
};

/** The query words 1037 differently from the callback, the same minute (docs/daraja.md §5): reproduce that drift. */
export function queryResultDesc(code: string, callbackDesc: string | null): string {
  if (code === '1037') return 'DS timeout user cannot be reached.';
  return callbackDesc ?? '';
}

const CALLBACK_TIMEOUT_MS = 10_000;
const LIST_LIMIT = 50;

export async function listPrompts(db: Queryable, phone?: string): Promise<SandboxStkPrompt[]> {
  return db
    .select()
    .from(sandboxStkPrompts)
    .where(phone ? eq(sandboxStkPrompts.phone, phone) : undefined)
    .orderBy(desc(sandboxStkPrompts.createdAt), desc(sandboxStkPrompts.checkoutRequestId))
    .limit(LIST_LIMIT);
}

/** `answered`: this call recorded the answer; `delivered`: the app answered the callback POST. */
export type RespondResult = { answered: boolean; delivered: boolean; status?: number; error?: string };
export type PhoneOptions = { now?: () => Date; fetch?: typeof fetch };

const respondInput = z.object({ promptId: uuidField(), action: z.enum(PROMPT_ACTIONS) });

/**
 * Answers a prompt once (a conditional UPDATE: a second answer, from any instance, changes
 * nothing) and delivers its callback. `status` is what the app answered; Daraja never retries.
 */
export async function respondToPrompt(
  db: Queryable,
  promptId: string,
  action: PromptAction,
  opts: PhoneOptions = {},
): Promise<RespondResult> {
  const input = respondInput.safeParse({ promptId, action });
  if (!input.success) return { answered: false, delivered: false, error: 'Unknown prompt or answer.' };
  const now = opts.now?.() ?? new Date();
  const outcome = OUTCOMES[input.data.action];

  const [prompt] = await db
    .update(sandboxStkPrompts)
    .set({
      resultCode: outcome.code,
      resultDesc: outcome.desc,
      receipt: outcome.code === '0' ? receiptNumber(now) : null,
      answeredAt: now,
    })
    .where(and(eq(sandboxStkPrompts.id, input.data.promptId), isNull(sandboxStkPrompts.resultCode)))
    .returning();
  if (!prompt) {
    const [existing] = await db
      .select({ resultCode: sandboxStkPrompts.resultCode })
      .from(sandboxStkPrompts)
      .where(eq(sandboxStkPrompts.id, input.data.promptId));
    return {
      answered: false,
      delivered: false,
      error: existing
        ? `This prompt was already answered (ResultCode ${existing.resultCode}); nothing was sent again.`
        : 'No such prompt.',
    };
  }

  // Alternate the two real success shapes: with a value-less {"Name":"Balance"} item and without (docs/daraja.md §6.3).
  let withBalance = false;
  if (prompt.resultCode === '0') {
    const [row] = await db
      .select({ n: count() })
      .from(sandboxStkPrompts)
      .where(eq(sandboxStkPrompts.resultCode, '0'));
    withBalance = (row?.n ?? 0) % 2 === 0;
  }
  return deliverCallback(prompt, callbackBody(prompt, withBalance), opts.fetch ?? fetch);
}

/**
 * The callback body as compact JSON text (docs/daraja.md §6.1/§6.2). Built as a string so Amount can be written
 * `100.00` as Daraja sometimes does, and TransactionDate/PhoneNumber stay JSON numbers.
 * A non-zero ResultCode has NO CallbackMetadata key at all (docs/daraja.md §6.2).
 */
export function callbackBody(prompt: SandboxStkPrompt, withBalance = false): string {
  const q = (s: string) => JSON.stringify(s);
  const code = prompt.resultCode ?? '';
  const head =
    `"MerchantRequestID":${q(prompt.merchantRequestId)},"CheckoutRequestID":${q(prompt.checkoutRequestId)},` +
    `"ResultCode":${/^\d+$/.test(code) ? Number(code) : q(code)},"ResultDesc":${q(prompt.resultDesc ?? '')}`;
  if (code !== '0') return `{"Body":{"stkCallback":{${head}}}}`;

  const items = [
    `{"Name":"Amount","Value":${prompt.amountKes}.00}`,
    `{"Name":"MpesaReceiptNumber","Value":${q(prompt.receipt ?? '')}}`,
    ...(withBalance ? ['{"Name":"Balance"}'] : []),
    `{"Name":"TransactionDate","Value":${darajaTimestamp(prompt.answeredAt ?? new Date())}}`,
    `{"Name":"PhoneNumber","Value":${/^\d+$/.test(prompt.phone) ? prompt.phone : q(prompt.phone)}}`,
  ];
  return `{"Body":{"stkCallback":{${head},"CallbackMetadata":{"Item":[${items.join(',')}]}}}}`;
}

async function deliverCallback(prompt: SandboxStkPrompt, body: string, fetchImpl: typeof fetch): Promise<RespondResult> {
  try {
    const res = await fetchImpl(prompt.callbackUrl, {
      method: 'POST',
      // Observed sandbox headers (docs/daraja.md §6): no signature or authentication of any kind.
      headers: { 'Content-Type': 'application/json;charset=UTF-8', BusinessShortCode: prompt.shortcode },
      body,
      redirect: 'manual',
      cache: 'no-store',
      signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
    });
    await res.body?.cancel().catch(() => {});
    return res.ok
      ? { answered: true, delivered: true, status: res.status }
      : {
          answered: true,
          delivered: true,
          status: res.status,
          error: `The app answered HTTP ${res.status}; Daraja does not retry.`,
        };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { answered: true, delivered: false, error: `Callback to ${prompt.callbackUrl} failed (${reason}); Daraja does not retry.` };
  }
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * A receipt in the inferred real format (docs/daraja.md §6.4): year letter (M=2018 … U=2026), month letter
 * (A=Jan … L=Dec), day (1–9, then A=10 … V=31, i.e. base 32), then 7 random [A-Z0-9].
 */
export function receiptNumber(at: Date = new Date()): string {
  const t = darajaTimestamp(at); // Nairobi date, so the letters match the customer's SMS
  const year = Number(t.slice(0, 4));
  const yearLetter = String.fromCharCode(65 + ((((year - 2006) % 26) + 26) % 26));
  const monthLetter = String.fromCharCode(64 + Number(t.slice(4, 6)));
  const day = Number(t.slice(6, 8)).toString(32).toUpperCase();
  let rest = '';
  for (let i = 0; i < 7; i++) rest += ALNUM[crypto.randomInt(ALNUM.length)];
  return `${yearLetter}${monthLetter}${day}${rest}`;
}

/**
 * A real prompt closes after about a minute (docs/daraja.md §6.5): answer what is still open with 1037 and
 * deliver those callbacks. Returns how many prompts this call answered.
 */
export async function expireUnansweredPrompts(
  db: Queryable,
  olderThanSeconds = 60,
  opts: PhoneOptions = {},
): Promise<number> {
  const now = opts.now?.() ?? new Date();
  const cutoff = new Date(now.getTime() - olderThanSeconds * 1000);
  const stale = await db
    .select({ id: sandboxStkPrompts.id })
    .from(sandboxStkPrompts)
    .where(and(isNull(sandboxStkPrompts.resultCode), lt(sandboxStkPrompts.createdAt, cutoff)))
    .orderBy(sandboxStkPrompts.createdAt)
    .limit(100);
  // In parallel: each delivery may take up to its 10 s timeout. respondToPrompt's conditional
  // update keeps a prompt answered by a tester meanwhile (or another instance) from being sent twice.
  const results = await Promise.all(stale.map((p) => respondToPrompt(db, p.id, 'no_answer', opts)));
  return results.filter((r) => r.answered).length;
}
