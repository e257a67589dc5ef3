// What the payment core announces to the rest of the app. Other modules subscribe by job kind, so
// the core never imports them (notifications handle PAYMENT_OUTCOME_JOB).
export const PAYMENT_OUTCOME_JOB = 'notify.payment';
