'use client';
// The card form of the sandbox's hosted checkout (/sandbox/paystack/checkout/<access_code>).
// Without JavaScript it still posts to the server action; with it, tapping a test card fills the
// fields and a decline is shown in place so another card can be tried.
import { useActionState, useRef } from 'react';

import { payWithCard, type CheckoutFormState } from '@/app/sandbox/paystack/checkout/[accessCode]/actions';

export type TestCardHint = {
  number: string;
  cvv: string;
  label: string;
  pin?: string;
  otp?: string;
};

const EMPTY: CheckoutFormState['values'] = { number: '', expiry: '', cvv: '', pin: '', phone: '' };

/** 4084084084084081 → "4084 0840 8408 4081". */
const grouped = (number: string) => number.replace(/(\d{4})(?=\d)/g, '$1 ');

/** A future expiry for the test cards: December, four years ahead (any future date works, docs/paystack.md §11). */
function futureExpiry(): string {
  const year = (new Date().getFullYear() + 4) % 100;
  return `12/${String(year).padStart(2, '0')}`;
}

export function PaystackCheckoutForm({
  accessCode,
  payLabel,
  testCards,
  initialError,
}: {
  accessCode: string;
  payLabel: string;
  testCards: TestCardHint[];
  initialError: string | null;
}) {
  const [state, action, pending] = useActionState(payWithCard, {
    attempt: 0,
    error: initialError,
    needs: [],
    values: EMPTY,
  });
  return (
    <CardFields
      // A new key per answer remounts the fields with the values the server chose to keep.
      key={state.attempt}
      state={state}
      action={action}
      pending={pending}
      accessCode={accessCode}
      payLabel={payLabel}
      testCards={testCards}
    />
  );
}

function CardFields({
  state,
  action,
  pending,
  accessCode,
  payLabel,
  testCards,
}: {
  state: CheckoutFormState;
  action: (formData: FormData) => void;
  pending: boolean;
  accessCode: string;
  payLabel: string;
  testCards: TestCardHint[];
}) {
  // Uncontrolled fields: what a payer types before the page has hydrated is kept (a controlled
  // field would be reset to its initial state at hydration).
  const form = useRef<HTMLFormElement>(null);
  const fill = (card: TestCardHint) => {
    const values: Record<string, string> = { ...EMPTY, number: grouped(card.number), expiry: futureExpiry(), cvv: card.cvv };
    for (const [name, value] of Object.entries(values)) {
      const field = form.current?.elements.namedItem(name);
      if (field instanceof HTMLInputElement) field.value = value;
    }
  };

  const input =
    'mt-1 w-full rounded-lg border border-neutral-300 bg-white px-3 py-2 text-base tracking-wide focus:border-emerald-600 focus:outline-none focus:ring-2 focus:ring-emerald-100';
  const label = 'block text-sm font-medium text-neutral-800';

  return (
    <div className="flex flex-col gap-4">
      <form ref={form} action={action} className="flex flex-col gap-3" aria-describedby={state.error ? 'checkout-error' : undefined}>
        <input type="hidden" name="accessCode" value={accessCode} />
        <div>
          <label htmlFor="card-number" className={label}>
            Card number
          </label>
          <input
            id="card-number"
            name="number"
            inputMode="numeric"
            // A sandbox: never invite the browser to fill a real card.
            autoComplete="off"
            placeholder="0000 0000 0000 0000"
            required
            defaultValue={state.values.number}
            className={`${input} font-mono`}
          />
        </div>
        <div className="grid grid-cols-2 gap-3">
          <div>
            <label htmlFor="card-expiry" className={label}>
              Expiry (MM/YY)
            </label>
            <input
              id="card-expiry"
              name="expiry"
              inputMode="numeric"
              autoComplete="off"
              placeholder="MM/YY"
              required
              defaultValue={state.values.expiry}
              className={`${input} font-mono`}
            />
          </div>
          <div>
            <label htmlFor="card-cvv" className={label}>
              CVV
            </label>
            <input
              id="card-cvv"
              name="cvv"
              inputMode="numeric"
              autoComplete="off"
              placeholder="123"
              maxLength={4}
              required
              defaultValue={state.values.cvv}
              className={`${input} font-mono`}
            />
          </div>
        </div>
        {state.needs.includes('pin') ? (
          <div>
            <label htmlFor="card-pin" className={label}>
              Card PIN
            </label>
            <input
              id="card-pin"
              name="pin"
              type="password"
              inputMode="numeric"
              autoComplete="off"
              maxLength={4}
              required
              defaultValue={state.values.pin}
              className={`${input} font-mono`}
              autoFocus={state.needs.at(-1) === 'pin'}
            />
          </div>
        ) : null}
        {state.needs.includes('phone') ? (
          <div>
            <label htmlFor="card-phone" className={label}>
              Phone number
            </label>
            <input
              id="card-phone"
              name="phone"
              type="tel"
              inputMode="tel"
              autoComplete="off"
              required
              defaultValue={state.values.phone}
              className={input}
              autoFocus={state.needs.at(-1) === 'phone'}
            />
          </div>
        ) : null}
        {state.needs.includes('otp') ? (
          <div>
            <label htmlFor="card-otp" className={label}>
              OTP
            </label>
            <input
              id="card-otp"
              name="otp"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={8}
              required
              className={`${input} font-mono`}
              autoFocus
            />
          </div>
        ) : null}

        <div role="alert" aria-live="assertive" className="empty:hidden">
          {state.error ? (
            <p
              id="checkout-error"
              data-testid="checkout-error"
              className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800"
            >
              {state.error}
            </p>
          ) : null}
        </div>

        <button
          type="submit"
          disabled={pending}
          className="mt-1 rounded-lg bg-emerald-700 px-4 py-3 text-base font-semibold text-white hover:bg-emerald-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-800 disabled:opacity-60"
        >
          {pending ? 'Processing…' : payLabel}
        </button>
      </form>

      <section aria-labelledby="test-cards-title" className="rounded-xl border border-dashed border-neutral-300 p-3">
        <h2 id="test-cards-title" className="text-sm font-semibold text-neutral-800">
          Test cards <span className="font-normal text-neutral-600">(tap to fill; any future expiry)</span>
        </h2>
        <ul className="mt-2 flex flex-col gap-1">
          {testCards.map((card) => (
            <li key={card.number}>
              <button
                type="button"
                data-testid="test-card"
                data-card-number={card.number}
                onClick={() => fill(card)}
                className="w-full rounded-lg px-2 py-1.5 text-left text-sm hover:bg-neutral-100 focus-visible:outline-2 focus-visible:outline-emerald-700"
              >
                <span className="block font-mono text-neutral-900">{grouped(card.number)}</span>
                <span className="block text-xs text-neutral-600">
                  {card.label} · CVV {card.cvv}
                  {card.pin ? ` · PIN ${card.pin}` : ''}
                  {card.otp ? ` · OTP ${card.otp}` : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
