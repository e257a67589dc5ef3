// The pay form, drawn on the server. It is a plain form posting to a server action, so it works
// before the page's JavaScript has arrived, and without it: choosing M-Pesa or card shows the
// right fields with CSS (:has), not React state. The client parts (pay-form-client.tsx) add the
// action's answer and the pending button once hydrated; a press before that is not lost: the
// browser posts the form itself (a full page load), exactly as with JavaScript off.
import { startPaymentAction } from '@/app/pay/actions';
import { FieldError, FormError, InProgressChoice, Input, PayFormShell, SubmitButton, WhenPushFailed } from '@/components/payments/pay-form-client';

export type SavedCardOption = { id: string; label: string };
type Props = {
  policyId: string;
  suggestedAmount: string;
  maxAmountLabel: string;
  phone: string;
  savedCards: SavedCardOption[];
  /** Pay-link / guest payers: the masked number on file ("0712 •••678"), used when the field is left empty. */
  phoneOnFile?: string;
  /** Pay-link / guest payers may not keep a card on the holder's account. */
  allowSaveCard?: boolean;
  /** Shown prominently when M-Pesa refuses the prompt: paying by Paybill from the SIM menu. */
  paybillFallback?: React.ReactNode;
};

const choice = 'flex min-h-12 cursor-pointer items-center gap-3 rounded-xl border border-slate-300 px-3 has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50';
// Shown only while M-Pesa (the default) / card is the chosen method.
const MPESA_ONLY = 'group-has-[#method-card:checked]:hidden';
const CARD_ONLY = 'hidden group-has-[#method-card:checked]:block';

export function PayForm({ policyId, suggestedAmount, maxAmountLabel, phone, savedCards, phoneOnFile, allowSaveCard = true, paybillFallback }: Props) {
  // The button names the saved card chosen; which one is known only in the browser, so each has
  // its own label and a rule showing it (ids by position, not from the database).
  const savedCardRules = savedCards
    .map((_, i) => `#pay-form:has(#method-card:checked):has(#card-${i}:checked) [data-label="card-${i}"]{display:inline}`)
    .join('');
  return (
    <PayFormShell action={startPaymentAction} id="pay-form" className="group space-y-5">
      {savedCardRules && <style>{savedCardRules}</style>}
      <input type="hidden" name="policyId" value={policyId} />
      <fieldset>
        <legend className="label">Pay with</legend>
        <div className="grid grid-cols-2 gap-2">
          <label className={choice}>
            <Input type="radio" id="method-mpesa" name="method" value="mpesa" defaultChecked />
            <span className="font-semibold">M-Pesa</span>
          </label>
          <label className={choice}>
            <Input type="radio" id="method-card" name="method" value="card" />
            <span className="font-semibold">Card</span>
          </label>
        </div>
      </fieldset>

      <div>
        <label htmlFor="amount" className="label">Amount (KES)</label>
        <Input
          id="amount"
          name="amount"
          error="amount"
          inputMode="decimal"
          autoComplete="off"
          defaultValue={suggestedAmount}
          className="field text-lg font-semibold"
          aria-describedby="amount-help amount-error"
        />
        <p id="amount-help" className="mt-1 text-xs text-slate-600">
          <span className={MPESA_ONLY}>Whole shillings</span>
          <span className="hidden group-has-[#method-card:checked]:inline">Any amount</span>, up to {maxAmountLabel}.
        </p>
        <FieldError name="amount" />
      </div>

      <div className={MPESA_ONLY}>
        <label htmlFor="phone" className="label">M-Pesa phone number</label>
        <Input
          id="phone"
          name="phone"
          error="phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          defaultValue={phone}
          placeholder={phoneOnFile || '0712 345 678'}
          className="field"
          aria-describedby={phoneOnFile ? 'phone-help phone-error' : 'phone-error'}
        />
        {phoneOnFile && (
          <p id="phone-help" data-testid="phone-on-file" className="mt-1 text-xs text-slate-500">
            Leave empty to send the prompt to {phoneOnFile}, the number on file.
          </p>
        )}
        <FieldError name="phone" />
      </div>

      <fieldset className={`${CARD_ONLY} space-y-2`}>
        <legend className="label">Card</legend>
        {savedCards.map((c, i) => (
          <label key={c.id} className={choice}>
            <Input type="radio" id={`card-${i}`} name="card" value={c.id} defaultChecked={i === 0} />
            <span className="font-medium">{c.label}</span>
          </label>
        ))}
        <label className={choice}>
          <Input type="radio" id="card-new" name="card" value="new" defaultChecked={!savedCards.length} />
          <span className="font-medium">{savedCards.length ? 'A new card' : 'Debit or credit card'}</span>
        </label>
        {allowSaveCard && (
          <label className="hidden items-start gap-3 pt-1 text-sm text-slate-700 group-has-[#card-new:checked]:flex">
            <Input type="checkbox" name="saveCard" className="mt-1 size-5" />
            <span>Save this card for faster payments next time (we keep only the brand and last four digits).</span>
          </label>
        )}
        <p className="text-xs text-slate-600">Card details are entered on Paystack&apos;s secure page, never on ours.</p>
      </fieldset>

      <div>
        <label className="flex items-start gap-3 text-sm text-slate-700">
          <Input type="checkbox" name="terms" error="terms" className="mt-1 size-5" aria-describedby="terms-error" />
          <span>I agree that this payment is applied to my policy&apos;s premium under its terms.</span>
        </label>
        <FieldError name="terms" />
      </div>

      <FormError />
      <WhenPushFailed>{paybillFallback}</WhenPushFailed>
      <SubmitButton>
        <span className={MPESA_ONLY}>Pay with M-Pesa</span>
        {savedCards.map((c, i) => (
          <span key={c.id} data-label={`card-${i}`} className="hidden">
            Pay with {c.label}
          </span>
        ))}
        <span className="hidden group-has-[#method-card:checked]:group-has-[#card-new:checked]:inline">Pay with card</span>
      </SubmitButton>
      {/* After the main button, so Enter in a field never chooses "Start again". */}
      <InProgressChoice />
    </PayFormShell>
  );
}
