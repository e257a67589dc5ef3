import { describe, expect, test } from 'vitest';
import { historyCsvCells, historyCsvFilename } from './csv';
import type { HistoryRow } from './list';

describe('history CSV', () => {
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
      receiptNo: 'MLP-7K3Q9XWD-4HX2QD',
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
    expect(historyCsvCells(row)).toEqual(['2026-11-26 00:30', 'MLP-7K3Q9XWD', 'MLP-AFY-240342', 'Afya Family Health Cover', 'Card', 'Paid', '3500.05', '', 'MLP-7K3Q9XWD', 'Visa •••• 4081', '0.00', 'MLP-7K3Q9XWD-4HX2QD']);
    // Part of it refunded: the status says so and the refunded amount has its own column.
    expect(historyCsvCells({ ...row, refundedMinor: 100_000 }).slice(5, 11)).toEqual(['Part refunded', '3500.05', '', 'MLP-7K3Q9XWD', 'Visa •••• 4081', '1000.00']);
    expect(historyCsvCells({ ...row, refundedMinor: 350_005 })[5]).toBe('Refunded');
    // No receipt for a payment that never completed.
    expect(historyCsvCells({ ...row, status: 'failed', receiptNo: null })[11]).toBe('');
  });

  test('the file is named for the Nairobi date', () => {
    expect(historyCsvFilename(new Date('2026-11-25T22:00:00Z'))).toBe('malipo-payments-20261126.csv');
  });
});
