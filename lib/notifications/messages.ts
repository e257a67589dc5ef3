// The words of every email, as pure functions: plain, friendly, and the same in tests.
import { formatDate, formatDateTime } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { INSURER_NAME } from '@/lib/receipts/constants';

export type EmailText = { subject: string; text: string };

const SIGN_OFF = `Thank you,\n${INSURER_NAME}`;

function greeting(name: string) {
  const first = name.trim().split(/\s+/)[0];
  return first ? `Hello ${first},` : 'Hello,';
}

export function paymentReceivedEmail(a: {
  name: string;
  amountMinor: number;
  product: string;
  policyNumber: string;
  receiptNo: string;
  paidBy: string;
  paidAt: Date;
  balanceAfterMinor: number | null;
  verifyUrl: string;
}): EmailText {
  const balance =
    a.balanceAfterMinor === null
      ? []
      : a.balanceAfterMinor > 0
        ? [`Still to pay on this policy: ${formatKes(a.balanceAfterMinor)}`]
        : a.balanceAfterMinor < 0
          ? [`Credit on this policy: ${formatKes(-a.balanceAfterMinor)}`]
          : ['This policy is now fully paid.'];
  return {
    subject: `Payment received: ${formatKes(a.amountMinor)} for ${a.policyNumber}`,
    text: [
      greeting(a.name),
      '',
      `We have received your payment of ${formatKes(a.amountMinor)} for ${a.product} (policy ${a.policyNumber}). It is already applied to your policy.`,
      '',
      `Receipt number: ${a.receiptNo}`,
      `Paid by: ${a.paidBy}`,
      `Date: ${formatDateTime(a.paidAt)}`,
      ...balance,
      '',
      'Your receipt is attached as a PDF. Anyone you show it to can check that it is genuine here:',
      a.verifyUrl,
      '',
      SIGN_OFF,
    ].join('\n'),
  };
}

export function refundNoteEmail(a: { name: string; amountMinor: number; policyNumber: string; noteNo: string; receiptNo: string; returnedBy: string; refundedAt: Date; verifyUrl: string }): EmailText {
  return {
    subject: `Refund sent: ${formatKes(a.amountMinor)} for ${a.policyNumber}`,
    text: [
      greeting(a.name),
      '',
      `We have sent you a refund of ${formatKes(a.amountMinor)} on policy ${a.policyNumber}.`,
      '',
      `Refund note number: ${a.noteNo}`,
      `Against receipt: ${a.receiptNo} (that receipt stays as it was)`,
      `Returned by: ${a.returnedBy}`,
      `Date: ${formatDateTime(a.refundedAt)}`,
      '',
      'Your refund note is attached as a PDF. Anyone you show it to can check that it is genuine here:',
      a.verifyUrl,
      '',
      SIGN_OFF,
    ].join('\n'),
  };
}

export type UnpaidOutcome = 'failed' | 'cancelled' | 'expired';

export function paymentNotCompletedEmail(a: {
  name: string;
  outcome: UnpaidOutcome;
  method: 'mpesa' | 'card';
  amountMinor: number;
  product: string;
  policyNumber: string;
  reason: string | null;
  retryUrl: string;
}): EmailText {
  const via = a.method === 'mpesa' ? 'M-Pesa' : 'card';
  const what = `Your ${via} payment of ${formatKes(a.amountMinor)} for ${a.product} (policy ${a.policyNumber})`;
  const heading = {
    failed: `${what} did not go through.`,
    cancelled: `${what} was cancelled.`,
    expired: `${what} timed out: we did not hear back in time.`,
  }[a.outcome];
  const money =
    a.outcome === 'expired'
      ? 'If money did leave your account, you do not need to do anything: we will match it to your policy and email you a receipt.'
      : 'No money was taken for this attempt.';
  return {
    subject:
      a.outcome === 'cancelled'
        ? `Payment cancelled: ${formatKes(a.amountMinor)} for ${a.policyNumber}`
        : a.outcome === 'expired'
          ? `Payment timed out: ${formatKes(a.amountMinor)} for ${a.policyNumber}`
          : `Payment did not go through: ${formatKes(a.amountMinor)} for ${a.policyNumber}`,
    text: [
      greeting(a.name),
      '',
      heading,
      ...(a.reason ? ['', `What happened: ${a.reason}`] : []),
      '',
      money,
      '',
      'You can try again here (it takes a minute):',
      a.retryUrl,
      '',
      SIGN_OFF,
    ].join('\n'),
  };
}

export type ReminderStage = 'due_soon' | 'overdue';

export function reminderEmail(a: {
  name: string;
  stage: ReminderStage;
  seq: number;
  dueDate: string;
  amountDueMinor: number;
  partlyPaid: boolean;
  product: string;
  policyNumber: string;
  payUrl: string;
}): EmailText {
  const due = formatDate(a.dueDate);
  const amount = formatKes(a.amountDueMinor);
  const left = a.partlyPaid ? ' still' : '';
  if (a.stage === 'due_soon') {
    return {
      subject: `Reminder: ${amount} due on ${due} for ${a.policyNumber}`,
      text: [
        greeting(a.name),
        '',
        `A friendly reminder: installment ${a.seq} of your ${a.product} (policy ${a.policyNumber}) is due on ${due}. The amount${left} to pay is ${amount}.`,
        '',
        'You can pay by M-Pesa or card here:',
        a.payUrl,
        '',
        'If you have already paid, thank you: you can ignore this email.',
        '',
        SIGN_OFF,
      ].join('\n'),
    };
  }
  return {
    subject: `Overdue: ${amount} for ${a.policyNumber}`,
    text: [
      greeting(a.name),
      '',
      `Installment ${a.seq} of your ${a.product} (policy ${a.policyNumber}) was due on ${due}, and ${amount} is${left} unpaid.`,
      '',
      'Please pay as soon as you can to keep your cover active. You can pay by M-Pesa or card here:',
      a.payUrl,
      '',
      'If you have just paid, thank you: you can ignore this email.',
      '',
      SIGN_OFF,
    ].join('\n'),
  };
}
