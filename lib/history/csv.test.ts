import { describe, expect, test } from 'vitest';
import { csvCell, csvLine, historyCsvCells, historyCsvFilename } from './csv';
import type { HistoryRow } from './list';
import { receiptNumberFor } from '@/lib/receipts/receipt-number';

describe('CSV cells', () => {
  test('RFC 4180 quoting', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('Home & Contents, Nairobi')).toBe('"Home & Contents, Nairobi"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvLine(['a', 'b,c'])).toBe('a,"b,c"\r\n');
  });

  test.each(['=HYPERLINK("http://x")', '+254712', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])('a formula %j is neutralised', (v) => {
    const out = csvCell(v);
    expect(out.replace(/^"/, '').startsWith("'")).toBe(true);
  });

  test('a row: Nairobi time, two-decimal amount, card label', () => {
    const row = {
      id: 'x',
      reference: 'MLP-7K3Q9XWD',
      policyId: 'p',
      method: 'card',
      status: 'completed',
      amountMinor: 350_005,
      currency: 'KES',
      mpesaReceipt: null,
      paystackReference: 'MLP-7K3Q9XWD',
      cardBrand: 'visa',
      cardLast4: '4081',
      createdAt: new Date('2026-11-25T21:30:00Z'),
      completedAt: null,
      policyNumber: 'MLP-AFY-240342',
      product: 'Afya Family Health Cover',
      cursor: { createdAt: '', id: 'x' },
      refundedMinor: 0,
    } satisfies HistoryRow;
    expect(historyCsvCells(row)).toEqual(['2026-11-26 00:30', 'MLP-7K3Q9XWD', 'MLP-AFY-240342', 'Afya Family Health Cover', 'Card', 'Paid', '3500.05', '', 'MLP-7K3Q9XWD', 'Visa •••• 4081', '0.00', receiptNumberFor('MLP-7K3Q9XWD')]);
    // Part of it refunded: the status says so and the refunded amount has its own column.
    expect(historyCsvCells({ ...row, refundedMinor: 100_000 }).slice(5, 11)).toEqual(['Part refunded', '3500.05', '', 'MLP-7K3Q9XWD', 'Visa •••• 4081', '1000.00']);
    expect(historyCsvCells({ ...row, refundedMinor: 350_005 })[5]).toBe('Refunded');
    // No receipt for a payment that never completed.
    expect(historyCsvCells({ ...row, status: 'failed' })[11]).toBe('');
  });

  test('the file is named for the Nairobi date', () => {
    expect(historyCsvFilename(new Date('2026-11-25T22:00:00Z'))).toBe('malipo-payments-20261126.csv');
  });
});
