import { describe, expect, test } from 'vitest';
import { paymentNotCompletedEmail, paymentReceivedEmail, reminderEmail } from './messages';

const paidAt = new Date('2026-03-02T09:05:00Z'); // 12:05 in Nairobi

describe('payment emails', () => {
  const received = {
    name: 'Wanjiku Kamau',
    amountMinor: 1_200_000,
    product: 'Motor Comprehensive',
    policyNumber: 'MLP-MOT-240117',
    receiptNo: 'MLP-7K3Q9XWD-4HX2QD',
    paidBy: 'M-Pesa, receipt UKP1ABCDEF, from 2547•••••678',
    paidAt,
    balanceAfterMinor: 3_600_000,
    verifyUrl: 'https://pay.example.co.ke/receipts/verify/MLP-7K3Q9XWD-4HX2QD',
  };

  test('received: greets by first name, gives the receipt facts, the link, and says the PDF is attached', () => {
    const e = paymentReceivedEmail(received);
    expect(e.subject).toBe('Payment received: KES 12,000.00 for MLP-MOT-240117');
    expect(e.text).toMatch(/^Hello Wanjiku,\n/);
    expect(e.text).toContain('We have received your payment of KES 12,000.00 for Motor Comprehensive (policy MLP-MOT-240117).');
    expect(e.text).toContain('Receipt number: MLP-7K3Q9XWD-4HX2QD');
    expect(e.text).toContain('Paid by: M-Pesa, receipt UKP1ABCDEF, from 2547•••••678');
    expect(e.text).toContain('Date: 2 Mar 2026, 12:05 EAT');
    expect(e.text).toContain('Still to pay on this policy: KES 36,000.00');
    expect(e.text).toContain('attached as a PDF');
    expect(e.text).toContain(received.verifyUrl);
    expect(e.text).toMatch(/Malipo Insurance$/);
  });

  test('received: fully paid and credit balances read naturally', () => {
    expect(paymentReceivedEmail({ ...received, balanceAfterMinor: 0 }).text).toContain('This policy is now fully paid.');
    expect(paymentReceivedEmail({ ...received, balanceAfterMinor: -5_000 }).text).toContain('Credit on this policy: KES 50.00');
    expect(paymentReceivedEmail({ ...received, name: '' }).text).toMatch(/^Hello,\n/);
  });

  const failed = {
    name: 'Otieno Odhiambo',
    method: 'mpesa' as const,
    amountMinor: 250_000,
    product: 'Motor Third Party',
    policyNumber: 'MLP-MOT-240999',
    reason: 'Your M-Pesa balance was not enough for this payment.',
    retryUrl: 'https://pay.example.co.ke/pay/abc',
  };

  test('failed: plain reason, nothing taken, and a retry link', () => {
    const e = paymentNotCompletedEmail({ ...failed, outcome: 'failed' });
    expect(e.subject).toBe('Payment did not go through: KES 2,500.00 for MLP-MOT-240999');
    expect(e.text).toContain('Hello Otieno,');
    expect(e.text).toContain('Your M-Pesa payment of KES 2,500.00 for Motor Third Party (policy MLP-MOT-240999) did not go through.');
    expect(e.text).toContain(`What happened: ${failed.reason}`);
    expect(e.text).toContain('No money was taken for this attempt.');
    expect(e.text).toContain(failed.retryUrl);
  });

  test('cancelled and timed out read differently; a timeout does not promise nothing was taken', () => {
    expect(paymentNotCompletedEmail({ ...failed, outcome: 'cancelled' }).subject).toBe('Payment cancelled: KES 2,500.00 for MLP-MOT-240999');
    const expired = paymentNotCompletedEmail({ ...failed, outcome: 'expired', method: 'card', reason: null });
    expect(expired.subject).toBe('Payment timed out: KES 2,500.00 for MLP-MOT-240999');
    expect(expired.text).toContain('Your card payment');
    expect(expired.text).not.toContain('No money was taken');
    expect(expired.text).toContain('we will match it to your policy');
    expect(expired.text).not.toContain('What happened');
  });
});

describe('reminder emails', () => {
  const base = {
    name: 'Wanjiku Kamau',
    seq: 2,
    dueDate: '2026-03-05',
    amountDueMinor: 350_000,
    partlyPaid: false,
    product: 'Afya Family Health Cover',
    policyNumber: 'MLP-AFY-240342',
    payUrl: 'https://pay.example.co.ke/pay/p1',
  };

  test('due soon', () => {
    const e = reminderEmail({ ...base, stage: 'due_soon' });
    expect(e.subject).toBe('Reminder: KES 3,500.00 due on 5 Mar 2026 for MLP-AFY-240342');
    expect(e.text).toContain('installment 2 of your Afya Family Health Cover (policy MLP-AFY-240342) is due on 5 Mar 2026. The amount to pay is KES 3,500.00.');
    expect(e.text).toContain(base.payUrl);
    expect(e.text).toContain('If you have already paid');
  });

  test('overdue, partly paid', () => {
    const e = reminderEmail({ ...base, stage: 'overdue', amountDueMinor: 100_000, partlyPaid: true });
    expect(e.subject).toBe('Overdue: KES 1,000.00 for MLP-AFY-240342');
    expect(e.text).toContain('was due on 5 Mar 2026, and KES 1,000.00 is still unpaid.');
    expect(e.text).toContain('keep your cover active');
  });
});
