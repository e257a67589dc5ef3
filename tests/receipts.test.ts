// Receipts end to end at the domain level: real completed payments (M-Pesa through the Daraja
// emulator, card through the Paystack emulator), the PDF parsed back to text, the download
// response, access rules, and the public verification check.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { PDFParse } from 'pdf-parse';
import { ledgerEntries, payments, refunds, users, type Payment } from '@/db/schema';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import { DEMO_USERS } from '@/db/seed';
import { initiateCardPayment } from '@/lib/payments/pay-by-card';
import { initiateMpesaPayment } from '@/lib/payments/pay-by-mpesa';
import { balanceAfterPayment } from '@/lib/payments/core/ledger';
import { getPayment } from '@/lib/payments/queries';
import { loadReceipt, verifyReceipt } from '@/lib/receipts/data';
import { renderReceiptPdf } from '@/lib/receipts/pdf';
import { legacyReceiptNumber, receiptVerifyPath } from '@/lib/receipts/receipt-number';
import { receiptResponse } from '@/lib/receipts/response';
import { completeCheckout } from '@/lib/sandbox/paystack/checkout';
import { respondToPrompt } from '@/lib/sandbox/daraja/phone';
import type { Viewer } from '@/lib/viewer';
import { startHarness, type Harness } from './harness';

let h: Harness;
let staff: Viewer;
beforeAll(async () => {
  h = await startHarness();
  const [s] = await h.db.select().from(users).where(eq(users.email, DEMO_USERS.staff.email));
  staff = { userId: s.id, role: s.role };
});
afterAll(async () => {
  await h?.close();
});

async function mpesa(policyId: string, amountMinor: number, answer: 'pin' | 'cancel' = 'pin', viewer = h.holder, phone = '0712345678'): Promise<Payment> {
  const r = await initiateMpesaPayment(h.db, h.gateway, viewer, { policyId, amountMinor, phone });
  if (!r.ok) throw new Error(`initiation failed: ${r.error}`);
  const [prompt] = await h.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.checkoutRequestId, r.payment.checkoutRequestId!));
  await respondToPrompt(h.db, prompt.id, answer);
  const [done] = await h.db.select().from(payments).where(eq(payments.id, r.payment.id));
  return done;
}

async function pdfText(bytes: Uint8Array): Promise<string> {
  const parser = new PDFParse({ data: bytes });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

describe('receipt PDF', () => {
  let paid: Payment;
  beforeAll(async () => {
    // The overdue 12,000 installment and 3,000 of the next one.
    paid = await mpesa(h.motor.id, 1_500_000);
    expect(paid.status).toBe('completed');
  });

  test('shows amount in figures and words, references, payer, installments and balance after', async () => {
    const receipt = await loadReceipt(h.db, h.holder, paid.id, h.origin);
    expect(receipt).not.toBeNull();
    const r = receipt!;
    // Stored when the payment completed: the reference and a random tag, never derived from a secret.
    expect(r.receiptNo).toMatch(new RegExp(`^${paid.reference}-[0-9A-HJKMNP-TV-Z]{6}$`));
    expect(r.receiptNo).not.toBe(legacyReceiptNumber(paid.reference, process.env.AUTH_SECRET!));
    expect((await h.db.select({ no: payments.receiptNo }).from(payments).where(eq(payments.id, paid.id)))[0].no).toBe(r.receiptNo);
    expect(r.installments.map((i) => [i.seq, i.amountMinor])).toEqual([[1, 1_200_000], [2, 300_000]]);
    expect(r.balanceAfterMinor).toBe(await balanceAfterPayment(h.db, h.motor.id, paid.id));
    expect(r.balanceAfterMinor).toBe(3_300_000);

    const text = await pdfText(await renderReceiptPdf(r));
    expect(text).toContain('Malipo Insurance');
    expect(text).toContain('KES 15,000.00');
    expect(text).toContain('Fifteen thousand Kenya shillings only');
    expect(text).toContain(r.receiptNo);
    expect(text).toContain(paid.reference);
    expect(text).toContain(`M-Pesa, receipt ${paid.mpesaReceipt}`);
    expect(text).toContain('from 0712 •••678');
    expect(text).not.toContain('254712345678');
    expect(text).toContain('MLP-MOT-240117');
    expect(text).toContain('Motor Comprehensive');
    expect(text).toContain('Wanjiku Kamau');
    expect(text).toMatch(/Installment 1 \d{1,2} \w{3} \d{4} KES 12,000\.00/);
    expect(text).toMatch(/Installment 2 \d{1,2} \w{3} \d{4} KES 3,000\.00/);
    expect(text).toMatch(/Balance on the policy after this payment KES 33,000\.00/);
    expect(text).toMatch(/\d{1,2} \w{3} \d{4}, \d{2}:\d{2} EAT/);
    expect(text).toContain(`${h.origin}${receiptVerifyPath(r.receiptNo, true)}`);
    expect(r.verifyUrl).toMatch(new RegExp(`/receipts/verify/${r.receiptNo}\\?s=[0-9A-HJKMNP-TV-Z]{16}$`));
    expect(text).not.toContain('Refunded');
  });

  test('the balance after stays the one at the time of payment when later payments arrive', async () => {
    const later = await mpesa(h.motor.id, 100_000);
    expect(later.status).toBe('completed');
    expect((await loadReceipt(h.db, h.holder, paid.id, h.origin))!.balanceAfterMinor).toBe(3_300_000);
    expect((await loadReceipt(h.db, h.holder, later.id, h.origin))!.balanceAfterMinor).toBe(3_200_000);
  });

  test('the download answers a PDF attachment named after the receipt number', async () => {
    const res = await receiptResponse(h.db, h.holder, paid.id, h.origin);
    expect(res.status).toBe(200);
    const receiptNo = (await loadReceipt(h.db, h.holder, paid.id))!.receiptNo;
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="malipo-receipt-${receiptNo}.pdf"`);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(bytes.slice(0, 5)).toString()).toBe('%PDF-');
    expect(await pdfText(bytes)).toContain('Fifteen thousand Kenya shillings only');
  });

  test('another policyholder gets 404, signed-out gets 401, staff may download', async () => {
    expect(await getPayment(h.db, h.other, paid.id)).toBeNull();
    expect(await loadReceipt(h.db, h.other, paid.id)).toBeNull();
    expect((await receiptResponse(h.db, h.other, paid.id)).status).toBe(404);
    expect((await receiptResponse(h.db, null, paid.id)).status).toBe(401);
    expect((await receiptResponse(h.db, h.holder, 'not-a-uuid')).status).toBe(404);
    expect((await receiptResponse(h.db, h.holder, '3f0c9a4e-1111-4222-8333-944455556666')).status).toBe(404);
    expect((await receiptResponse(h.db, staff, paid.id)).status).toBe(200);
  });

  test('a payment that did not complete has no receipt', async () => {
    const cancelled = await mpesa(h.afya.id, 100_000, 'cancel');
    expect(cancelled.status).toBe('cancelled');
    expect(await loadReceipt(h.db, h.holder, cancelled.id)).toBeNull();
    expect((await receiptResponse(h.db, h.holder, cancelled.id)).status).toBe(404);
    // Neither an old-style number for it nor a correctly signed one is a receipt.
    const guess = legacyReceiptNumber(cancelled.reference, process.env.AUTH_SECRET!);
    expect(await verifyReceipt(h.db, guess)).toBeNull();
    expect(await verifyReceipt(h.db, guess, new URL(receiptVerifyPath(guess, true), h.origin).searchParams.get('s'))).toBeNull();
  });

  test('processed refunds show as "Refunded" on the verify page with their notes; requested ones do not count; the receipt never changes', async () => {
    const p = await mpesa(h.afya.id, 200_000);
    await h.db.insert(refunds).values([
      { paymentId: p.id, userId: p.userId, amountMinor: 50_000, reason: 'Overpaid', status: 'processed' },
      { paymentId: p.id, userId: p.userId, amountMinor: 70_000, reason: 'Asked again', status: 'requested' },
    ]);
    const r = (await loadReceipt(h.db, h.holder, p.id, h.origin))!;
    const text = await pdfText(await renderReceiptPdf(r));
    // The official receipt states what was received; the refund has its own numbered note.
    expect(text).toContain('Payment received');
    expect(text).not.toContain('Refunded');
    const verified = await verifyReceipt(h.db, r.receiptNo);
    expect(verified).toMatchObject({ standing: 'partly_refunded', refundedMinor: 50_000, receiptNo: r.receiptNo });
    expect(verified!.refundNotes).toEqual([expect.objectContaining({ noteNo: expect.stringMatching(/^RF-[0-9A-HJKMNP-TV-Z]{10}$/), amountMinor: 50_000 })]);
    // The note's own number checks too, and leads to the same receipt.
    expect(await verifyReceipt(h.db, verified!.refundNotes[0].noteNo)).toMatchObject({ receiptNo: r.receiptNo, checkedNote: { amountMinor: 50_000 } });

    const [rest] = await h.db
      .insert(refunds)
      .values({ paymentId: p.id, userId: p.userId, amountMinor: 150_000, reason: 'Rest', status: 'processed' })
      .returning();
    expect(await verifyReceipt(h.db, r.receiptNo)).toMatchObject({ standing: 'refunded', refundedMinor: 200_000 });

    // Refunds book ledger lines that carry the payment's id; the receipt's "balance after" is
    // the one at the time of payment, whatever happens later.
    const [line] = await h.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.paymentId, p.id), eq(ledgerEntries.kind, 'payment_received')));
    await h.db.insert(ledgerEntries).values({
      policyId: p.policyId, userId: p.userId, paymentId: p.id, installmentId: line.installmentId, refundId: rest.id,
      kind: 'refund', amountMinor: 150_000, memo: 'Refund (test)',
    });
    expect((await loadReceipt(h.db, h.holder, p.id, h.origin))!.balanceAfterMinor).toBe(r.balanceAfterMinor);
    expect((await loadReceipt(h.db, h.holder, p.id, h.origin))!.installments).toEqual(r.installments);
  });

  test('a card payment shows the card brand and last four digits', async () => {
    const r = await initiateCardPayment(h.db, h.card, h.holder, { policyId: h.afya.id, amountMinor: 100_050 });
    if (!r.ok) throw new Error(r.error);
    const accessCode = r.payment.checkoutUrl!.split('/').pop()!;
    await completeCheckout(h.db, accessCode, { number: '4084084084084081', expiry: '12/30', cvv: '408' }, { secretKey: h.paystackConfig.secretKey, appOrigin: h.origin });
    const receipt = (await loadReceipt(h.db, h.holder, r.payment.id, h.origin))!;
    expect(receipt).not.toBeNull();
    const text = await pdfText(await renderReceiptPdf(receipt));
    expect(text).toContain('Card, Visa •••• 4081');
    expect(text).toContain('KES 1,000.50');
    expect(text).toContain('One thousand Kenya shillings and fifty cents only');
  });
});

describe('receipt verification', () => {
  let paid: Payment;
  let genuine: string;
  beforeAll(async () => {
    paid = await mpesa(h.afya.id, 120_000);
    genuine = paid.receiptNo!;
  });

  test('a genuine receipt number shows minimal data', async () => {
    const v = await verifyReceipt(h.db, genuine);
    expect(v).toEqual({
      receiptNo: genuine,
      amountMinor: 120_000,
      paidAt: paid.completedAt,
      policyNumberMasked: 'MLP-AFY-••••42',
      standing: 'paid',
      refundedMinor: 0,
      refundNotes: [],
      checkedNote: null,
      signed: false,
    });
    // Typed by hand in lower case, it still checks.
    expect(await verifyReceipt(h.db, genuine.toLowerCase())).not.toBeNull();
    // The signed link checks; a wrong or foreign signature does not.
    const sig = new URL(receiptVerifyPath(genuine, true), h.origin).searchParams.get('s')!;
    expect(await verifyReceipt(h.db, genuine, sig)).toMatchObject({ receiptNo: genuine, signed: true });
    expect(await verifyReceipt(h.db, genuine, `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(await verifyReceipt(h.db, genuine, new URL(receiptVerifyPath(genuine, 'not-our-secret'), h.origin).searchParams.get('s'))).toBeNull();
  });

  test('forged or altered receipt numbers are rejected', async () => {
    const tag = genuine.slice(-6);
    const otherTag = `${tag[0] === 'A' ? 'B' : 'A'}${tag.slice(1)}`;
    expect(await verifyReceipt(h.db, `${paid.reference}-${otherTag}`)).toBeNull();
    // Another real payment's reference with this receipt's tag.
    const other = await mpesa(h.afya.id, 110_000);
    expect(await verifyReceipt(h.db, `${other.reference}-${tag}`)).toBeNull();
    // Made the old way, with the server secret (someone guessing how numbers were made).
    expect(await verifyReceipt(h.db, legacyReceiptNumber(paid.reference, process.env.AUTH_SECRET!))).toBeNull();
    // A well-formed number, with a valid link signature, for a payment we never had.
    const never = legacyReceiptNumber('MLP-ZZZZZZZZ', 'x');
    expect(await verifyReceipt(h.db, never, new URL(receiptVerifyPath(never, true), h.origin).searchParams.get('s'))).toBeNull();
    for (const junk of ['', paid.reference, `${genuine}X`, `${genuine} OR 1=1`, "MLP-'; drop table payments;--"]) {
      expect(await verifyReceipt(h.db, junk)).toBeNull();
    }
  });
});
