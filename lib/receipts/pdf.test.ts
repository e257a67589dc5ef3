import { describe, expect, test } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { PDFParse } from 'pdf-parse';
import type { ReceiptData } from './data';
import { receiptFilename, renderReceiptPdf } from './pdf';

const base: ReceiptData = {
  paymentId: '00000000-0000-4000-8000-000000000001',
  receiptNo: 'MLP-7K3Q9XWD-4HX2QD',
  reference: 'MLP-7K3Q9XWD',
  policyNumber: 'MLP-MOT-240117',
  product: 'Motor Comprehensive',
  payerName: 'Wanjiku Kamau',
  amountMinor: 1_500_000,
  currency: 'KES',
  method: { kind: 'mpesa', receipt: 'UKP1ABCDEF', phoneMasked: '2547•••••678' },
  paidAt: new Date('2026-03-02T09:05:00Z'),
  installments: [
    { seq: 1, dueDate: '2026-02-10', amountMinor: 1_200_000 },
    { seq: 2, dueDate: '2026-05-11', amountMinor: 300_000 },
  ],
  creditMinor: 0,
  balanceAfterMinor: 3_300_000,
  verifyUrl: 'https://pay.example.co.ke/receipts/verify/MLP-7K3Q9XWD-4HX2QD',
};

async function read(bytes: Uint8Array) {
  const parser = new PDFParse({ data: bytes });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

describe('renderReceiptPdf', () => {
  test('one A5 page with every part of the receipt, in Nairobi time', async () => {
    const bytes = await renderReceiptPdf(base);
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(1);
    const { width, height } = doc.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([420, 595]);
    expect(doc.getTitle()).toBe('Malipo Insurance receipt MLP-7K3Q9XWD-4HX2QD');
    const text = await read(bytes);
    for (const part of [
      'Malipo Insurance',
      'OFFICIAL RECEIPT',
      'MLP-7K3Q9XWD-4HX2QD',
      '2 Mar 2026, 12:05 EAT',
      'KES 15,000.00',
      'Fifteen thousand Kenya shillings only',
      'Wanjiku Kamau',
      'MLP-MOT-240117',
      'Motor Comprehensive',
      'M-Pesa, receipt UKP1ABCDEF',
      'from 2547•••••678 · our reference MLP-7K3Q9XWD',
      'Installment 1 10 Feb 2026 KES 12,000.00',
      'Installment 2 11 May 2026 KES 3,000.00',
      'Total KES 15,000.00',
      'Balance on the policy after this payment KES 33,000.00',
      'Check that this receipt is genuine',
      base.verifyUrl,
    ]) {
      expect(text).toContain(part);
    }
    expect(text).not.toContain('Refunded');
  });

  test('card, credit, refund, and characters the standard fonts lack', async () => {
    const text = await read(
      await renderReceiptPdf({
        ...base,
        payerName: 'Zoë Łukasz 😀 Achieng',
        product: 'Afya Family Health Cover with a rather long product name that needs wrapping onto a second line',
        method: { kind: 'card', label: 'Visa •••• 4081' },
        amountMinor: 1_212_345,
        installments: [{ seq: 3, dueDate: '2026-04-01', amountMinor: 1_200_000 }],
        creditMinor: 12_345,
        balanceAfterMinor: -12_345,
      }),
    );
    expect(text).toContain('Zoë ?ukasz ? Achieng');
    expect(text).toContain('Card, Visa •••• 4081');
    expect(text).toContain('Credit on the policy KES 123.45');
    expect(text).toContain('Balance on the policy after this payment KES 123.45 (credit)');
    // Refunds have their own refund note: the official receipt always states what was received.
    expect(text).not.toContain('Refunded');
    expect(text).toMatch(/Twelve thousand one hundred and twenty-three Kenya shillings and forty-five\s+cents only/);
    expect(text).toMatch(/OFFICIAL RECEIPT\s+Payment received/);
  });

  test('a payment over many installments continues on a second page, numbered', async () => {
    const bytes = await renderReceiptPdf({
      ...base,
      installments: Array.from({ length: 24 }, (_, i) => ({ seq: i + 1, dueDate: '2026-01-01', amountMinor: 62_500 })),
    });
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(2);
    const text = await read(bytes);
    expect(text).toContain('Installment 24');
    expect(text).toContain('Page 2 of 2');
    expect(text).toContain('(continued)');
  });

  test('file name', () => {
    expect(receiptFilename('MLP-7K3Q9XWD-4HX2QD')).toBe('malipo-receipt-MLP-7K3Q9XWD-4HX2QD.pdf');
  });
});
