import { describe, expect, it } from 'vitest';
import { publicStatus } from '@/lib/payments/public-status';
import type { Payment } from '@/db/schema';
import { paybillVerdict, parseC2bBody, storedMsisdn, toPaybillPayment, validationReply } from './c2b-adapter';

// Safaricom's documented confirmation body (docs/daraja.md §10.3), TransAmount a string.
const DOC = {
  TransactionType: 'Pay Bill',
  TransID: 'RKTQDM7W6S',
  TransTime: '20191122063845',
  TransAmount: '10',
  BusinessShortCode: '600638',
  BillRefNumber: 'invoice008',
  InvoiceNumber: '',
  OrgAccountBalance: '',
  ThirdPartyTransID: '',
  MSISDN: '25470****149',
  FirstName: 'John',
  MiddleName: '',
  LastName: 'Doe',
};

describe('parseC2bBody', () => {
  it('reads the documented body: amount in minor units, Nairobi time, names joined', () => {
    const r = parseC2bBody(DOC);
    expect(r).toEqual({
      ok: true,
      value: {
        transactionType: 'Pay Bill',
        transId: 'RKTQDM7W6S',
        transTime: new Date('2019-11-22T03:38:45.000Z'),
        amountMinor: 1000,
        shortCode: '600638',
        billRef: 'invoice008',
        payerName: 'John Doe',
        msisdn: '25470****149',
      },
    });
  });
  it('takes "200.00", "200.5" and numbers, never floats', () => {
    expect(parseC2bBody({ ...DOC, TransAmount: '200.00' }).ok && (parseC2bBody({ ...DOC, TransAmount: '200.00' }) as { value: { amountMinor: number } }).value.amountMinor).toBe(20_000);
    const half = parseC2bBody({ ...DOC, TransAmount: '200.5' });
    expect(half.ok && half.value.amountMinor).toBe(20_050);
    const num = parseC2bBody({ ...DOC, TransAmount: 1500, BusinessShortCode: 174379 });
    expect(num.ok && [num.value.amountMinor, num.value.shortCode]).toEqual([150_000, '174379']);
  });
  it('refuses what is not a payment', () => {
    for (const bad of [{ ...DOC, TransAmount: '0' }, { ...DOC, TransAmount: '1e3' }, { ...DOC, TransAmount: '-5' }, { ...DOC, TransTime: '2019-11-22' }, { ...DOC, TransTime: '20191322063845' }, { ...DOC, TransID: '' }, { ...DOC, BusinessShortCode: 'abc' }, null, []]) {
      expect(parseC2bBody(bad).ok).toBe(false);
    }
  });
  it('keeps a missing account and missing names as empty', () => {
    const r = parseC2bBody({ ...DOC, BillRefNumber: undefined, FirstName: null, LastName: undefined });
    expect(r.ok && [r.value.billRef, r.value.payerName]).toEqual(['', '']);
  });
});

describe('MSISDN', () => {
  it('keeps masked and hashed forms; masks a full number; never keeps it whole', () => {
    expect(storedMsisdn('25470****149')).toBe('25470****149');
    const hash = 'a'.repeat(64);
    expect(storedMsisdn(hash)).toBe(hash);
    expect(storedMsisdn('254712345678')).toBe('25471****678');
    expect(storedMsisdn('')).toBeNull();
  });
});

describe('verdicts and replies', () => {
  it('a paybill payment is paid with its TransID as the receipt', () => {
    const p = toPaybillPayment((parseC2bBody(DOC) as { value: Parameters<typeof toPaybillPayment>[0] }).value, 7);
    expect(p).toMatchObject({ source: 'c2b_confirmation', gatewayEventId: 7, amountMinor: 1000 });
    expect(paybillVerdict(p)).toEqual({ kind: 'paid', amountMinor: 1000, currency: 'KES', receipt: 'RKTQDM7W6S', via: 'Paybill confirmation' });
    expect(paybillVerdict({ ...p, source: 'statement' }, 'near match')).toMatchObject({ via: 'M-Pesa statement', flag: 'near match' });
  });
  it('validation refuses only an unknown account, with C2B00012', () => {
    expect(validationReply(true)).toEqual({ ResultCode: '0', ResultDesc: 'Accepted' });
    expect(validationReply(false)).toEqual({ ResultCode: 'C2B00012', ResultDesc: 'Rejected' });
  });
});

describe('the pay page offers the Paybill prominently when the prompt could not reach the phone', () => {
  const base = { id: 'x', status: 'failed', reference: 'MLP-1', amountMinor: 100, failureReason: null, mpesaReceipt: null, createdAt: new Date(), method: 'mpesa', checkoutRequestId: 'ws_CO_1' } as unknown as Payment;
  it.each([
    ['1037', 'expired', true],
    ['1025', 'failed', true],
    ['1019', 'failed', true],
    ['1032', 'cancelled', false],
    ['2001', 'failed', false],
  ])('code %s (%s) → %s', (code, status, prominent) => {
    expect(publicStatus({ ...base, status, failureCode: code } as Payment).promptUnreachable).toBe(prominent);
  });
  it('a push that never created a prompt', () => {
    expect(publicStatus({ ...base, status: 'failed', failureCode: '500.003.02', checkoutRequestId: null } as Payment).promptUnreachable).toBe(true);
    expect(publicStatus({ ...base, status: 'pending', checkoutRequestId: null } as Payment).promptUnreachable).toBe(false);
  });
});
