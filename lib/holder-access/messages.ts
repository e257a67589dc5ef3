// The words of every SMS (and the code email). SMS texts are plain GSM-7 and one part (160
// characters): no bullets, curly quotes, non-breaking spaces or emoji. queueSms refuses others.
import type { CodePurpose } from './codes';

const BRAND = 'Malipo';

/** "KES 12,000" / "KES 3,500.50" in plain ASCII (Intl may use non-breaking spaces). */
export function smsKes(minor: number) {
  const whole = Math.floor(minor / 100);
  const cents = minor % 100;
  const grouped = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `KES ${grouped}${cents ? `.${String(cents).padStart(2, '0')}` : ''}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** '2026-12-05' -> '5 Dec' */
export function smsDay(isoDay: string) {
  const [, m, d] = isoDay.split('-').map(Number);
  return `${d} ${MONTHS[m - 1]}`;
}

const PURPOSE_TEXT: Record<CodePurpose, string> = {
  signin: 'sign-in code',
  claim: 'code to claim your account',
  guest: 'code to pay your premium',
};

export function codeSms(code: string, purpose: CodePurpose) {
  return `${BRAND}: your ${PURPOSE_TEXT[purpose]} is ${code}. It expires in 5 minutes. Never share it: we will never ask you for it.`;
}

export function codeEmail(code: string, purpose: CodePurpose) {
  return {
    subject: `Your ${BRAND} code: ${code}`,
    text: [`Your ${PURPOSE_TEXT[purpose]} is ${code}.`, '', 'It expires in 5 minutes and works once. Never share it: we will never ask you for it.', '', `If you did not ask for it, ignore this email.`].join('\n'),
  };
}

export type SmsReminderStage = 'before' | 'due' | 'overdue';

export function reminderSms(a: { stage: SmsReminderStage; amountMinor: number; policyNumber: string; dueDate: string; payUrl: string; replyStop: boolean }) {
  const amount = smsKes(a.amountMinor);
  const head = {
    before: `${BRAND}: ${amount} for policy ${a.policyNumber} is due on ${smsDay(a.dueDate)}.`,
    due: `${BRAND}: ${amount} for policy ${a.policyNumber} is due today.`,
    overdue: `${BRAND}: ${amount} for policy ${a.policyNumber} was due on ${smsDay(a.dueDate)}.`,
  }[a.stage];
  return `${head} Pay: ${a.payUrl}${a.replyStop ? ' Reply STOP to end.' : ''}`;
}
