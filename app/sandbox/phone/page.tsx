// The sandbox's simulated phone: STK prompts pushed to the built-in Daraja emulator show up here,
// and a tester answers them as a customer would (docs/daraja.md §6, §8).
import { notFound } from 'next/navigation';
import { z } from 'zod';

import { AutoRefresh, PromptAnswerButtons } from '@/components/sandbox/phone-prompt';
import { getDb } from '@/db/client';
import type { SandboxStkPrompt } from '@/db/sandbox-schema';
import { darajaSandboxEnabled } from '@/lib/env';
import { normalizeKenyanPhone } from '@/lib/phone';
import { FAULT_NUMBERS, SANDBOX_TEST_MSISDN } from '@/lib/sandbox/daraja/emulator';
import { listPrompts } from '@/lib/sandbox/daraja/phone';
import { answerPrompt, payByPaybillAction } from './actions';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Sandbox phone · Malipo' };

const one = z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string().trim().max(200).optional().catch(undefined));
const searchSchema = z.object({ phone: one, answered: one, choice: one, status: one, error: one, paybill: one, pberror: one, pbdetail: one });

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const kes = (amount: number) => `KES ${amount.toLocaleString('en-US')}`;
const nairobiTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Africa/Nairobi',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

const CHOICES: Record<string, string> = {
  pin: 'Entered PIN',
  cancel: 'Cancelled',
  insufficient: 'Insufficient funds',
  wrong_pin: 'Wrong PIN',
  no_answer: "Didn't answer",
};

const FAULTS: Array<[string, string]> = [
  [FAULT_NUMBERS.internalError, 'HTTP 500 · 500.003.1001 Internal Server Error'],
  [FAULT_NUMBERS.spikeArrest, 'HTTP 500 · 500.003.02 Spike Arrest Violation'],
  [FAULT_NUMBERS.subscriberLocked, 'HTTP 500 · 500.001.1001 Unable to lock subscriber'],
  [FAULT_NUMBERS.slowAck, 'Prompt created, but the answer takes 20 s (client timeout)'],
  [SANDBOX_TEST_MSISDN, 'Test number: nobody answers unless you do; 1037 after about a minute'],
];

export default async function SandboxPhonePage({ searchParams }: { searchParams: SearchParams }) {
  if (!darajaSandboxEnabled()) notFound();
  const query = searchSchema.parse(await searchParams);

  const normalized = query.phone ? normalizeKenyanPhone(query.phone) : null;
  const phone = normalized?.ok ? normalized.msisdn : undefined;
  const prompts = await listPrompts(await getDb(), phone);
  const pending = prompts.filter((p) => p.resultCode === null).length;

  return (
    <div className="min-h-dvh bg-neutral-200 sm:py-8">
      <div className="mx-auto flex min-h-dvh max-w-sm flex-col bg-neutral-50 sm:min-h-[44rem] sm:rounded-[2.5rem] sm:border-[10px] sm:border-neutral-900 sm:shadow-xl">
        <header className="bg-green-700 px-4 pb-4 pt-5 text-white sm:rounded-t-[1.8rem]">
          <p className="text-xs uppercase tracking-wide text-green-100">Malipo sandbox</p>
          <h1 className="text-xl font-semibold">Simulated M-Pesa phone</h1>
          <p className="mt-1 text-sm text-green-50">
            {phone ? `Showing prompts for ${phone}` : 'Showing prompts for every number'}
            {pending > 0 ? ` · ${pending} waiting` : ''}
          </p>
        </header>

        <form method="get" action="/sandbox/phone" className="flex items-end gap-2 border-b border-neutral-200 p-4">
          <div className="flex-1">
            <label htmlFor="phone" className="block text-sm font-medium text-neutral-800">
              Phone number
            </label>
            <input
              id="phone"
              name="phone"
              type="tel"
              inputMode="tel"
              autoComplete="off"
              placeholder="0708 374 149"
              defaultValue={query.phone ?? ''}
              aria-describedby={normalized && !normalized.ok ? 'phone-error' : undefined}
              className="mt-1 w-full rounded-lg border border-neutral-300 bg-white px-3 py-2 text-base"
            />
          </div>
          <button type="submit" className="rounded-lg bg-neutral-900 px-4 py-2 text-sm font-semibold text-white">
            Show
          </button>
          {query.phone ? (
            <a href="/sandbox/phone" className="py-2 text-sm text-green-800 underline">
              All
            </a>
          ) : null}
        </form>
        {normalized && !normalized.ok ? (
          <p id="phone-error" className="px-4 pt-2 text-sm text-red-700">
            {normalized.error} Showing every number instead.
          </p>
        ) : null}

        <div role="status" aria-live="polite" className="px-4 pt-3 empty:hidden">
          {query.answered || query.error ? <ResultNotice {...query} /> : null}
        </div>

        <section aria-label="Prompts" className="flex flex-1 flex-col gap-3 p-4">
          {prompts.length === 0 ? (
            <p className="py-10 text-center text-sm text-neutral-600">
              No prompts yet. Start an M-Pesa payment in Malipo; its prompt appears here within 2 seconds.
            </p>
          ) : (
            prompts.map((p) => <PromptCard key={p.id} prompt={p} phoneFilter={phone ?? ''} />)
          )}
        </section>

        <PaybillScreen paid={query.paybill} detail={query.pbdetail} error={query.pberror} />

        <details className="border-t border-neutral-200 px-4 py-3 text-sm text-neutral-700">
          <summary className="cursor-pointer font-medium">Fault-injection numbers</summary>
          <ul className="mt-2 space-y-1">
            {FAULTS.map(([number, effect]) => (
              <li key={number}>
                <span className="font-mono">{number}</span>: {effect}
              </li>
            ))}
          </ul>
        </details>
      </div>
      <AutoRefresh intervalMs={2000} />
    </div>
  );
}

function ResultNotice(q: z.infer<typeof searchSchema>) {
  const choice = q.choice ? (CHOICES[q.choice] ?? q.choice) : 'Answered';
  const ok = !q.error;
  return (
    <p
      className={`rounded-lg px-3 py-2 text-sm ${ok ? 'bg-green-100 text-green-900' : 'bg-amber-100 text-amber-900'}`}
      data-testid="phone-result"
    >
      {q.answered ? `${choice} for ${q.answered}. ` : ''}
      {q.status ? `Callback delivered; the app answered HTTP ${q.status}. ` : ''}
      {q.error ?? ''}
    </p>
  );
}

function PromptCard({ prompt, phoneFilter }: { prompt: SandboxStkPrompt; phoneFilter: string }) {
  const open = prompt.resultCode === null;
  const titleId = `prompt-${prompt.id}`;
  return (
    <article
      data-testid="stk-prompt"
      data-checkout-request-id={prompt.checkoutRequestId}
      data-status={open ? 'pending' : 'answered'}
      aria-labelledby={titleId}
      className={`rounded-2xl border p-4 shadow-sm ${open ? 'border-green-600 bg-white' : 'border-neutral-200 bg-neutral-100'}`}
    >
      <h2 id={titleId} className="text-base font-semibold text-neutral-900">
        Pay {kes(prompt.amountKes)} to {prompt.shortcode}
      </h2>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm text-neutral-700">
        <dt>Business</dt>
        <dd className="font-mono">{prompt.shortcode}</dd>
        <dt>Amount</dt>
        <dd>{kes(prompt.amountKes)}</dd>
        <dt>Account</dt>
        <dd className="break-all">{prompt.accountReference}</dd>
        <dt>Phone</dt>
        <dd className="font-mono">{prompt.phone}</dd>
        <dt>Sent</dt>
        <dd>{nairobiTime.format(prompt.createdAt)}</dd>
      </dl>
      <p className="mt-1 break-all font-mono text-xs text-neutral-600">{prompt.checkoutRequestId}</p>

      {open ? (
        <form action={answerPrompt} className="mt-3">
          <p className="mb-2 text-sm text-neutral-800">
            Do you want to pay {kes(prompt.amountKes)} to {prompt.shortcode} for account {prompt.accountReference}?
            Enter M-PESA PIN.
          </p>
          <input type="hidden" name="promptId" value={prompt.id} />
          <input type="hidden" name="checkoutRequestId" value={prompt.checkoutRequestId} />
          <input type="hidden" name="phone" value={phoneFilter} />
          <PromptAnswerButtons />
        </form>
      ) : (
        <p className="mt-3 text-sm text-neutral-800" data-testid="stk-prompt-result">
          <span className="font-semibold">ResultCode {prompt.resultCode}</span>: {prompt.resultDesc}
          {prompt.receipt ? (
            <>
              {' '}
              Receipt <span className="font-mono">{prompt.receipt}</span>.
            </>
          ) : null}
        </p>
      )}
    </article>
  );
}

/** M-Pesa → Lipa na M-Pesa → Pay Bill, as a holder does it from the SIM menu (docs/daraja.md §10.3). */
function PaybillScreen({ paid, detail, error }: { paid?: string; detail?: string; error?: string }) {
  return (
    <section id="paybill" aria-labelledby="paybill-title" className="border-t border-neutral-200 p-4">
      <h2 id="paybill-title" className="text-base font-semibold text-neutral-900">
        Pay by Paybill
      </h2>
      <p className="text-sm text-neutral-700">
        M-Pesa → Lipa na M-Pesa → Pay Bill, business number <span className="font-mono">174379</span>. The sandbox sends the
        validation, then the confirmation, to the URLs registered for it.
      </p>
      <div role="status" aria-live="polite" className="empty:hidden">
        {paid ? (
          <p className="mt-2 rounded-lg bg-green-100 px-3 py-2 text-sm text-green-900" data-testid="paybill-result">
            Paid{detail ? ` ${detail}` : ''}. M-Pesa receipt <span className="font-mono">{paid}</span>; the confirmation was delivered.
          </p>
        ) : error ? (
          <p className="mt-2 rounded-lg bg-amber-100 px-3 py-2 text-sm text-amber-900" data-testid="paybill-result">
            {error}
          </p>
        ) : null}
      </div>
      <form action={payByPaybillAction} className="mt-3 space-y-3">
        <div>
          <label htmlFor="pb-account" className="block text-sm font-medium text-neutral-800">
            Account number
          </label>
          <input id="pb-account" name="account" required maxLength={40} autoComplete="off" className="mt-1 w-full rounded-lg border border-neutral-300 bg-white px-3 py-2 font-mono text-base" />
        </div>
        <div>
          <label htmlFor="pb-amount" className="block text-sm font-medium text-neutral-800">
            Amount (KES)
          </label>
          <input id="pb-amount" name="amount" required inputMode="numeric" pattern="[0-9]*" autoComplete="off" className="mt-1 w-full rounded-lg border border-neutral-300 bg-white px-3 py-2 text-base" />
        </div>
        <div>
          <label htmlFor="pb-name" className="block text-sm font-medium text-neutral-800">
            Payer name (as M-Pesa knows the SIM owner)
          </label>
          <input id="pb-name" name="payerName" required maxLength={80} autoComplete="off" defaultValue="Wanjiku Kamau" className="mt-1 w-full rounded-lg border border-neutral-300 bg-white px-3 py-2 text-base" />
        </div>
        <div>
          <label htmlFor="pb-phone" className="block text-sm font-medium text-neutral-800">
            Payer phone
          </label>
          <input id="pb-phone" name="payerPhone" type="tel" inputMode="tel" autoComplete="off" defaultValue="0712 345 678" className="mt-1 w-full rounded-lg border border-neutral-300 bg-white px-3 py-2 text-base" />
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-neutral-800">MSISDN in the confirmation</legend>
          <div className="mt-1 flex gap-4 text-sm">
            <label className="flex min-h-11 items-center gap-2">
              <input type="radio" name="msisdnFormat" value="masked" defaultChecked /> Masked
            </label>
            <label className="flex min-h-11 items-center gap-2">
              <input type="radio" name="msisdnFormat" value="hashed" /> SHA-256 hash
            </label>
          </div>
        </fieldset>
        <button type="submit" className="w-full rounded-lg bg-green-700 px-4 py-3 text-base font-semibold text-white">
          Send payment
        </button>
      </form>
    </section>
  );
}
