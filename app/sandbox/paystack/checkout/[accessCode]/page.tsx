// The sandbox's hosted card checkout, standing in for checkout.paystack.com/<access_code>
// (docs/paystack.md §4). Paying with a test card (docs/paystack.md §11) records the outcome on the emulator's
// transaction, sends the signed charge.success webhook and returns to the app's callback URL.
import { notFound } from 'next/navigation';

import { PaystackCheckoutForm, type TestCardHint } from '@/components/sandbox/paystack-checkout-form';
import { getDb } from '@/db/client';
import { paystackSandboxEnabled } from '@/lib/env';
import { formatKes } from '@/lib/money';
import { callbackRedirectUrl, loadCheckout, TEST_CARDS } from '@/lib/sandbox/paystack/checkout';
import { cancelPayment } from './actions';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Sandbox card checkout · Malipo' };

type Props = {
  params: Promise<{ accessCode: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

const MERCHANT = 'Malipo (sandbox)';

export default async function SandboxPaystackCheckoutPage({ params, searchParams }: Props) {
  if (!paystackSandboxEnabled()) notFound();
  const { accessCode } = await params;
  const checkout = await loadCheckout(await getDb(), accessCode);
  if (!checkout) notFound();
  const cancelled = (await searchParams).cancelled !== undefined;

  const amount = formatKes(checkout.amount);
  const paid = checkout.status === 'success' || checkout.status === 'reversed';
  const returnUrl = checkout.callbackUrl ? callbackRedirectUrl(checkout.callbackUrl, checkout.reference) : '/';
  const testCards: TestCardHint[] = TEST_CARDS.map(({ number, cvv, label, pin, otp }) => ({ number, cvv, label, pin, otp }));

  return (
    <div className="min-h-dvh bg-neutral-200 sm:py-8">
      <div className="mx-auto flex min-h-dvh max-w-sm flex-col bg-neutral-50 sm:min-h-[44rem] sm:rounded-[2.5rem] sm:border-[10px] sm:border-neutral-900 sm:shadow-xl">
        <header className="bg-sky-950 px-4 pb-4 pt-5 text-white sm:rounded-t-[1.8rem]">
          <p className="text-xs uppercase tracking-wide text-sky-200">Paystack checkout · sandbox</p>
          <h1 className="text-xl font-semibold">{MERCHANT}</h1>
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 text-sm text-sky-50">
            <dt className="text-sky-200">Amount</dt>
            <dd className="font-semibold" data-testid="checkout-amount">
              {amount}
            </dd>
            <dt className="text-sky-200">Email</dt>
            <dd className="break-all">{checkout.email}</dd>
          </dl>
        </header>

        <div className="flex flex-1 flex-col gap-4 p-4">
          {paid ? (
            <section aria-labelledby="done-title" className="rounded-2xl border border-emerald-600 bg-white p-4 shadow-sm">
              <h2 id="done-title" className="text-base font-semibold text-neutral-900">
                This payment is complete
              </h2>
              <p className="mt-1 text-sm text-neutral-700">
                {amount} was paid with a card ending {lastFour(checkout.authorization)}.
              </p>
              <a href={returnUrl} className="mt-3 inline-block font-semibold text-emerald-800 underline">
                Back to Malipo
              </a>
            </section>
          ) : (
            <>
              {cancelled ? (
                <p role="status" className="rounded-lg bg-amber-100 px-3 py-2 text-sm text-amber-900">
                  Payment cancelled. There is no page to return to; you can close this tab or pay below.
                </p>
              ) : null}
              <p className="text-sm text-neutral-700">Pay with card</p>
              <PaystackCheckoutForm
                accessCode={checkout.accessCode}
                payLabel={`Pay ${amount}`}
                testCards={testCards}
                initialError={checkout.status === 'failed' ? `Last attempt: ${checkout.gatewayResponse ?? 'Declined'}` : null}
              />
              <form action={cancelPayment}>
                <input type="hidden" name="accessCode" value={checkout.accessCode} />
                <button
                  type="submit"
                  className="w-full rounded-lg border border-neutral-300 bg-white px-4 py-2 text-sm font-medium text-neutral-800 hover:bg-neutral-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-neutral-700"
                >
                  Cancel payment
                </button>
              </form>
            </>
          )}
          <p className="mt-auto text-center font-mono text-xs text-neutral-600">{checkout.reference}</p>
        </div>
      </div>
    </div>
  );
}

function lastFour(authorization: unknown): string {
  const last4 = (authorization as { last4?: unknown } | null)?.last4;
  return typeof last4 === 'string' ? last4 : '····';
}
