/**
 * STK callback / query ResultCodes mapped to Malipo outcomes (docs/daraja.md §7 and its
 * "Suggested mapping").
 *
 * Code on ResultCode only: ResultDesc drifts by year and channel (docs/daraja.md §12.11), and ResultCode arrives as
 * a number in callbacks, a string in queries, and a string for alphanumeric codes (docs/daraja.md §12.12).
 */

export type StkOutcome = 'completed' | 'failed' | 'cancelled' | 'expired' | 'pending' | 'unknown';

export type ResultCodeDescription = {
  outcome: StkOutcome;
  /** Plain language for a policyholder reading it on a phone. */
  message: string;
  /** Whether offering the customer a NEW push makes sense (a CheckoutRequestID is never reused). */
  canRetry: boolean;
  /** Our configuration, or something we do not understand: staff must look. */
  staffAlert: boolean;
};

const describe = (
  outcome: StkOutcome,
  message: string,
  canRetry: boolean,
  staffAlert = false,
): ResultCodeDescription => ({ outcome, message, canRetry, staffAlert });

const MERCHANT_SIDE_PROBLEM =
  'We cannot take M-Pesa payments right now because of a problem on our side. Our team has been alerted. Please try again later.';
const PROMPT_NOT_SENT = 'We could not send the M-Pesa prompt to your phone. Please try again.';

// A Map, not an object literal lookup, so codes such as "constructor" cannot hit Object.prototype.
const KNOWN_CODES: ReadonlyMap<string, ResultCodeDescription> = new Map(Object.entries({
  '0': describe('completed', 'Payment received. Thank you.', false),

  // Customer-side failures (docs/daraja.md §7): the reason is shown, and most can be retried.
  '1': describe('failed', 'Your M-Pesa balance was not enough for this payment. Top up and try again.', true),
  '2': describe('failed', 'M-Pesa declined this amount because it is below the minimum. Please contact us.', false),
  '3': describe(
    'failed',
    'This amount is above the M-Pesa limit for a single payment. Please contact us to pay in parts.',
    false,
  ),
  '4': describe('failed', 'This payment would go over your daily M-Pesa limit. Please try again tomorrow.', false),
  '17': describe(
    'failed',
    'M-Pesa blocked a repeat payment of the same amount. Wait 2 minutes, then try again.',
    true,
  ),
  // 26 and 2026 come from SDK code lists, not Safaricom's STK table (UNCERTAIN for STK, docs/daraja.md §7).
  '26': describe('failed', 'M-Pesa is busy right now. Please try again in a few minutes.', true),
  '2026': describe('failed', 'The M-Pesa session expired. Please try again.', true),
  // Older docs list "Unable to lock subscriber" as callback code 1001; now it is also a sync error.
  '1001': describe(
    'failed',
    'You have another M-Pesa prompt open. Finish or cancel it, wait a minute, then try again.',
    true,
  ),
  // Usually a prompt over ~182 characters (long AccountReference); ours are capped at 12 characters.
  '1025': describe('failed', PROMPT_NOT_SENT, true),
  '9999': describe('failed', PROMPT_NOT_SENT, true),
  // 2001 is a wrong PIN, and was also seen for a number not registered on M-Pesa (docs/daraja.md §7).
  '2001': describe('failed', 'The M-Pesa PIN was wrong. Try again and enter your PIN carefully.', true),
  '8006': describe(
    'failed',
    'Your M-Pesa PIN is locked. Call Safaricom on 100 or 200 to unlock it, then try again.',
    false,
  ),

  // Merchant-side / configuration problems: FAILED plus a staff alert (docs/daraja.md §7, §12.6).
  '8': describe('failed', MERCHANT_SIDE_PROBLEM, false, true),
  '2028': describe('failed', MERCHANT_SIDE_PROBLEM, false, true),
  SFC_IC0003: describe('failed', MERCHANT_SIDE_PROBLEM, false, true),
  // E3008 is what the Safaricom *sandbox* answers for a real MSISDN (docs/daraja.md §7, §8): seeing it means we
  // are pointed at the sandbox with a real customer, which is a configuration problem.
  E3008: describe('failed', 'M-Pesa could not send a prompt to this number. Our team has been alerted.', false, true),

  // Cancelled by the customer.
  '1031': describe('cancelled', 'You cancelled the M-Pesa prompt.', true),
  '1032': describe('cancelled', 'You cancelled the M-Pesa prompt.', true),

  // Timed out / expired. Final for this attempt, but keep reconciling (1037 is UNCERTAIN, docs/daraja.md §7).
  '1019': describe('expired', 'The M-Pesa prompt expired before it was completed. Please try again.', true),
  '1036': describe(
    'expired',
    'We could not deliver the M-Pesa prompt to your phone. Keep it on and unlocked, then try again.',
    true,
  ),
  '1037': describe('expired', 'We could not reach your phone. Keep it on and unlocked, then try again.', true),

  // Query only: still in flight. Never a failure (docs/daraja.md §5, §12.3).
  '4999': describe('pending', 'Waiting for you to enter your M-Pesa PIN.', false),
}));

/**
 * A code we have never seen is no proof that the customer did not pay (docs/daraja.md §7 "Unknown codes"):
 * keep the payment open, stop the customer from paying again, and send it to review.
 */
const UNKNOWN_CODE = describe(
  'unknown',
  'We are still confirming this payment with M-Pesa. Please do not pay again until we confirm it.',
  false,
  true,
);

/** Canonical spelling of a ResultCode: numbers and numeric strings compare equal ("1032" === 1032). */
export function normalizeResultCode(code: string | number): string {
  return String(code).trim().toUpperCase();
}

export function describeResultCode(code: string | number): ResultCodeDescription {
  const known = KNOWN_CODES.get(normalizeResultCode(code));
  return known ? { ...known } : { ...UNKNOWN_CODE };
}
