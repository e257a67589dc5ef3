// Paying by Paybill from the M-Pesa menu, as an alternative to the prompt.
//
// PAYBILL-PLACEHOLDER: the Paybill issue (C2B confirmation, matching by account number) has not
// landed. Until it does, a Paybill payment would not be matched to the policy automatically, so
// no details are shown. When it lands: return the business number and the account number to use
// (the policy number) from its configuration here, and the waiting page shows them as they are.
export type PaybillDetails = { businessNumber: string; accountNumber: string };

export function paybillDetailsFor(_policyNumber: string): PaybillDetails | null {
  return null;
}

export function PaybillAlternative({ policyNumber }: { policyNumber: string }) {
  const details = paybillDetailsFor(policyNumber);
  if (!details) return <div data-testid="paybill-placeholder" hidden />;
  return (
    <section aria-labelledby="paybill-heading" className="rounded-xl border border-slate-200 px-3 py-2 text-left text-sm" data-testid="paybill-details">
      <h3 id="paybill-heading" className="font-semibold">Or pay by Paybill</h3>
      <p>On your phone: M-Pesa → Lipa na M-Pesa → Pay Bill.</p>
      <dl className="mt-1 grid grid-cols-2 gap-1">
        <dt className="text-slate-700">Business number</dt>
        <dd className="font-mono font-semibold">{details.businessNumber}</dd>
        <dt className="text-slate-700">Account number</dt>
        <dd className="font-mono font-semibold">{details.accountNumber}</dd>
      </dl>
    </section>
  );
}
