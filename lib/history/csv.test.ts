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
      paystackReference: 'MLP-7K3Q9XWD',
      cardBrand: 'visa',
      cardLast4: '4081',
      createdAt: new Date('2026-11-25T21:30:00Z'),
      completedAt: null,
      policyNumber: 'MLP-AFY-240342',
      product: 'Afya Family Health Cover',
      cursor: { createdAt: '', id: 'x' },
    } satisfies HistoryRow;
    expect(historyCsvCells(row)).toEqual(['2026-11-26 00:30', 'MLP-7K3Q9XWD', 'MLP-AFY-240342', 'Afya Family Health Cover', 'Card', 'Paid', '3500.05', '', 'MLP-7K3Q9XWD', 'Visa •••• 4081']);
  });

  test('the file is named for the Nairobi date', () => {
    expect(historyCsvFilename(new Date('2026-11-25T22:00:00Z'))).toBe('malipo-payments-20261126.csv');
  });
});
