// Paying by Paybill from the M-Pesa menu, as an alternative to the prompt: the business number,
// the account (the policy number; spaces and dashes do not matter, lib/paybill/match.ts) and the
// amount, each easy to copy. Quiet beside the prompt; prominent when the prompt cannot reach the
// phone (PROMPT_UNREACHABLE, or the push itself failed).
import { CopyButton } from '@/components/payments/copy-button';
import { paybillSettings } from '@/lib/env';

export type PaybillDetails = { businessNumber: string; accountNumber: string };

/** M-Pesa could not put a prompt on the phone: unreachable (1037), already busy (1025, 1019). */
export const PROMPT_UNREACHABLE = ['1037', '1025', '1019'];

export function paybillDetailsFor(policyNumber: string): PaybillDetails | null {
  const { businessNumber } = paybillSettings();
  return businessNumber ? { businessNumber, accountNumber: policyNumber } : null;
}

export function PaybillAlternative({ policyNumber, amountMinor, prominent = false, headingId = 'paybill-heading' }: { policyNumber: string; amountMinor?: number; prominent?: boolean; headingId?: string }) {
  const details = paybillDetailsFor(policyNumber);
  if (!details) return null;
  // Whole shillings: M-Pesa takes no cents.
  const amount = amountMinor && amountMinor > 0 ? String(Math.ceil(amountMinor / 100)) : null;
  // [shown label, value, test id, what the copy button says]. The button names must not contain
  // the pay form's own labels ("Amount (KES)"), or a label lookup would find two fields.
  const rows: [string, string, string, string][] = [
    ['Business number', details.businessNumber, 'paybill-business', 'Copy the Paybill business number'],
    ['Account number', details.accountNumber, 'paybill-account', 'Copy the Paybill account'],
    ...(amount ? ([['Amount (KES)', amount, 'paybill-amount', 'Copy the amount to send']] as [string, string, string, string][]) : []),
  ];
  return (
    <section
      aria-labelledby={headingId}
      data-testid="paybill-details"
      data-prominent={prominent ? 'true' : 'false'}
      className={`rounded-xl border px-3 py-3 text-left text-sm ${prominent ? 'border-brand-700 bg-brand-50' : 'border-slate-200'}`}
    >
      <h3 id={headingId} className={prominent ? 'text-lg font-semibold' : 'font-semibold'}>
        {prominent ? 'Pay from your SIM menu instead' : 'Or pay by Paybill'}
      </h3>
      <p className="text-slate-700">On your phone: M-Pesa → Lipa na M-Pesa → Pay Bill.</p>
      {/* A list rather than a <dl>: each row also holds its copy button. */}
      <ul className="mt-2 space-y-2">
        {rows.map(([label, value, testId, copyLabel]) => (
          <li key={testId} className="flex items-center justify-between gap-2">
            <div className="min-w-0">
              <p className="text-slate-700">{label}</p>
              <p className="break-all font-mono text-lg font-semibold" data-testid={testId}>{value}</p>
            </div>
            <CopyButton value={value} label={copyLabel} />
          </li>
        ))}
      </ul>
      <p className="mt-2 text-xs text-slate-600">We match it to your policy by the account number, usually within a minute, and email your receipt.</p>
    </section>
  );
}
