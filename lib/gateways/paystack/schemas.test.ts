/**
 * Every fixture in fixtures/paystack (real bodies, see its sources.md) through the schemas, with
 * the quirks of docs/paystack.md §5 / §12.4 asserted explicitly.
 */
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  chargeAuthorizationResponseSchema,
  errorBodySchema,
  fromSubunit,
  initializeResponseSchema,
  listRefundsResponseSchema,
  listTransactionsResponseSchema,
  normalizeMetadata,
  parsePaystackWebhook,
  refundResponseSchema,
  toCardDetails,
  toSubunit,
  transactionResponseSchema,
  transactionSchema,
} from './schemas';

// The shared fixtures; a copy under tests/fixtures/paystack wins when present.
const FIXTURE_DIRS = [path.join(process.cwd(), 'tests', 'fixtures', 'paystack'), '/work/shared/fixtures/paystack'];
const FIXTURES = FIXTURE_DIRS.find((dir) => fs.existsSync(path.join(dir, 'verify.success.json'))) ?? '';
if (!FIXTURES) throw new Error(`Paystack fixtures not found in ${FIXTURE_DIRS.join(' or ')}`);

const used = new Set<string>();
function fixture(name: string): unknown {
  used.add(name);
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
}
const raw = (name: string) => {
  used.add(name);
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
};

describe('money', () => {
  it('KES cents are already the subunit: identity, integers only', () => {
    expect(toSubunit(250000)).toBe(250000);
    expect(fromSubunit(40333)).toBe(40333);
    expect(() => toSubunit(19.99 * 100)).toThrow(RangeError);
    expect(() => toSubunit(Number.NaN)).toThrow(RangeError);
    expect(() => fromSubunit(1.5)).toThrow(RangeError);
  });
});

describe('initialize', () => {
  it('parses initialize.success.json', () => {
    const body = initializeResponseSchema.parse(fixture('initialize.success.json'));
    expect(body.data).toEqual({
      authorization_url: 'https://checkout.paystack.com/3ni8kdavz62431k',
      access_code: '3ni8kdavz62431k',
      reference: 're4lyvq3s3',
    });
  });
});

describe('verify and fetch', () => {
  it('parses verify.success.json: metadata "" → null, card_type trimmed, ids above 2^31', () => {
    const tx = transactionResponseSchema.parse(fixture('verify.success.json')).data;
    expect(tx.id).toBe(4099260516);
    expect(tx.id).toBeGreaterThan(2 ** 31);
    expect(tx.status).toBe('success');
    expect(tx.amount).toBe(40333);
    expect(tx.requested_amount).toBe(30050);
    expect(tx.currency).toBe('NGN');
    expect(tx.metadata).toBeNull();
    expect(tx.paid_at).toBe('2024-08-22T09:15:02.000Z');
    expect(tx.authorization.card_type).toBe('visa');
    expect(tx.authorization.reusable).toBe(true);
    expect(tx.customer.email).toBe('demo@test.com');
    expect(toCardDetails(tx.authorization)).toEqual({
      authorizationCode: 'AUTH_uh8bcl3zbn',
      reusable: true,
      brand: 'visa',
      last4: '4081',
      expMonth: '12',
      expYear: '2030',
      bank: 'TEST BANK',
      signature: 'SIG_yEXu7dLBeqG0kU7g95Ke',
    });
  });

  it('parses fetch.success.json (plan {}, source object, helpdesk_link ignored)', () => {
    const tx = transactionResponseSchema.parse(fixture('fetch.success.json')).data;
    expect(tx.reference).toBe('re4lyvq3s3');
    expect(tx.created_at).toBe('2024-08-22T09:14:24.000Z');
    expect(tx).not.toHaveProperty('helpdesk_link');
  });

  it('accepts an abandoned transaction with authorization {} and null paid_at (§5, §13.12)', () => {
    const verify = fixture('verify.success.json') as { data: Record<string, unknown> };
    const abandoned = {
      ...verify.data,
      status: 'abandoned',
      gateway_response: 'The transaction was not completed',
      paid_at: null,
      paidAt: null,
      fees: null,
      log: null,
      authorization: {},
    };
    const tx = transactionSchema.parse(abandoned);
    expect(tx.status).toBe('abandoned');
    expect(tx.paid_at).toBeNull();
    expect(tx.fees).toBeNull();
    expect(toCardDetails(tx.authorization)).toBeNull();
  });

  it('reads numeric exp_month/exp_year and a missing `reusable` defensively', () => {
    const tx = transactionSchema.parse({
      id: '4677002219',
      status: 'success',
      reference: 'r1',
      amount: '10000',
      currency: 'kes',
      authorization: { authorization_code: 'AUTH_x', last4: '4081', exp_month: 8, exp_year: 30, brand: 'visa' },
    });
    expect(tx.id).toBe(4677002219);
    expect(tx.currency).toBe('KES');
    expect(tx.authorization.reusable).toBe(false);
    expect(toCardDetails(tx.authorization)).toMatchObject({ expMonth: '08', expYear: '2030', reusable: false, signature: null });
  });

  it('refuses a transaction with a fractional amount', () => {
    expect(transactionSchema.safeParse({ id: 1, status: 'success', reference: 'r', amount: 10.5, currency: 'KES' }).success).toBe(false);
  });
});

describe('list', () => {
  it('parses list.success.cursor-meta.json: metadata null, cursor meta', () => {
    const body = listTransactionsResponseSchema.parse(fixture('list.success.cursor-meta.json'));
    expect(body.data).toHaveLength(1);
    expect(body.data[0]!.metadata).toBeNull();
    expect(body.meta).toMatchObject({ next: 'dW5kZWZpbmVkOjQwMTM3MDk2MzU=', previous: null, perPage: 50 });
  });
});

describe('charge_authorization', () => {
  it('parses charge-authorization.success.json as a transaction (plan null, log null)', () => {
    const body = chargeAuthorizationResponseSchema.parse(fixture('charge-authorization.success.json'));
    expect('paused' in body.data).toBe(false);
    if ('paused' in body.data) return;
    expect(body.data.status).toBe('success');
    expect(body.data.id).toBe(4099490251);
    expect(body.data.created_at).toBe('2024-08-22T10:53:49.000Z'); // from transaction_date
    expect(toCardDetails(body.data.authorization)?.authorizationCode).toBe('AUTH_uh8bcl3zbn');
  });

  it('parses charge-authorization.paused-2fa.json as the paused reply', () => {
    const body = chargeAuthorizationResponseSchema.parse(fixture('charge-authorization.paused-2fa.json'));
    expect(body.data).toEqual({
      paused: true,
      authorization_url: 'https://checkout.paystack.com/resume/0744ub5o065nwyz',
      reference: 'jvx2o36ghlvrgtt',
      access_code: '0744ub5o065nwyz',
    });
  });

  it('does not mistake the M-Pesa pay_offline reply (charge.mpesa.pay-offline.json) for a transaction', () => {
    const body = fixture('charge.mpesa.pay-offline.json');
    expect(transactionResponseSchema.safeParse(body).success).toBe(false);
    expect(chargeAuthorizationResponseSchema.safeParse(body).success).toBe(false);
    expect(errorBodySchema.safeParse(body).success).toBe(false);
  });
});

describe('refunds', () => {
  it('parses refund.create.success.json (transaction as an object, status pending)', () => {
    const refund = refundResponseSchema.parse(fixture('refund.create.success.json')).data;
    expect(refund).toMatchObject({
      id: 3018284,
      amount: 10000,
      status: 'pending',
      transactionId: 1004723697,
      transactionReference: 'T685312322670591',
      fully_deducted: false,
      deducted_amount: 0,
    });
  });

  it('parses refund.fetch.processed.json (transaction as an id)', () => {
    const refund = refundResponseSchema.parse(fixture('refund.fetch.processed.json')).data;
    expect(refund).toMatchObject({ id: 1, status: 'processed', transactionId: 1641, transactionReference: null, fully_deducted: true });
  });

  it('parses refund.list.success.json with offset meta', () => {
    const body = listRefundsResponseSchema.parse(fixture('refund.list.success.json'));
    expect(body.data.map((r) => r.id)).toEqual([747680, 742609]);
    expect(body.meta).toMatchObject({ total: 2, page: 1, pageCount: 1 });
  });

  it('reads fully_deducted given as 1/null (older sample, §9.3)', () => {
    const item = (fixture('refund.list.success.json') as { data: Record<string, unknown>[] }).data[0]!;
    const body = listRefundsResponseSchema.parse({
      status: true,
      message: 'Refunds retrieved',
      data: [{ ...item, fully_deducted: 1 }, { ...item, fully_deducted: null }],
    });
    expect(body.data.map((r) => r.fully_deducted)).toEqual([true, false]);
  });
});

describe('errors', () => {
  it.each([
    ['error.duplicate-reference.400.json', 'Duplicate Transaction Reference', 'duplicate_reference'],
    ['error.invalid-amount.400.json', 'Invalid Amount Sent', 'invalid_amount'],
    ['error.missing-params.400.json', 'Email Address is required', 'missing_params'],
    ['error.refund-retry-invalid-state.422.json', 'Invalid Refund state, refund status should be "needs-attention"', 'invalid_params'],
    ['error.invalid-key.401.json', 'Invalid key', undefined],
    ['error.reference-not-found.400.json', 'Transaction reference not found', undefined],
  ])('parses %s', (name, message, code) => {
    const body = errorBodySchema.parse(fixture(name));
    expect(body.message).toBe(message);
    expect(body.code).toBe(code);
  });

  it('keeps meta.nextStep when present', () => {
    expect(errorBodySchema.parse(fixture('error.invalid-amount.400.json')).meta?.nextStep).toMatch(/no decimal places/);
  });
});

describe('webhooks', () => {
  it('parses webhook.charge.success.kes-card.json (KES, metadata object, ids above 2^31)', () => {
    const hook = parsePaystackWebhook(raw('webhook.charge.success.kes-card.json'));
    expect(hook?.kind).toBe('charge.success');
    if (hook?.kind !== 'charge.success') return;
    expect(hook.data).toMatchObject({ id: 4677002219, amount: 10000, requested_amount: 10000, currency: 'KES', fees: 290 });
    expect(hook.data.metadata).toEqual({
      virtual_terminal: { code: 'VT_68SBY77G' },
      referrer: 'https://paystack.shop/pay/vt_68sby77g',
    });
    expect(toCardDetails(hook.data.authorization)).toMatchObject({ brand: 'visa', last4: '4081', reusable: true });
  });

  it('parses the 2016 webhook.charge.success.json: metadata 0, fees null, thin authorization', () => {
    const hook = parsePaystackWebhook(fixture('webhook.charge.success.json'));
    if (hook?.kind !== 'charge.success') throw new Error('expected charge.success');
    expect(hook.data.metadata).toBeNull();
    expect(hook.data.fees).toBeNull();
    expect(hook.data.authorization.reusable).toBe(false);
    expect(toCardDetails(hook.data.authorization)).toMatchObject({
      authorizationCode: 'AUTH_f5rnfq9p',
      brand: 'mastercard',
      expMonth: '08',
      reusable: false,
      signature: null,
    });
  });

  it.each([
    ['webhook.refund.pending.json', 'refund.pending', 10000, null, null],
    ['webhook.refund.processing.json', 'refund.processing', 10000, null, null],
    ['webhook.refund.processed.json', 'refund.processed', 5000, '132013318360', null],
    ['webhook.refund.failed.json', 'refund.failed', 20000, 'TRF_9vgfawjnoz58uxy', null],
    ['webhook.refund.needs-attention.json', 'refund.needs-attention', 5306, 'TRF_7jn17u9vkqm91efk', '123456'],
  ])('parses %s: amount as a number whether sent as string or number', (name, event, amount, refundReference, id) => {
    const hook = parsePaystackWebhook(fixture(name));
    expect(hook?.kind).toBe('refund');
    if (hook?.kind !== 'refund') return;
    expect(hook.event).toBe(event);
    expect(hook.data.amount).toBe(amount);
    expect(hook.data.refund_reference).toBe(refundReference);
    expect(hook.data.id).toBe(id);
    expect(hook.data.transaction_reference).toBeTruthy();
  });

  it('keeps unknown events as unknown, and refuses malformed known ones', () => {
    expect(parsePaystackWebhook({ event: 'transfer.success', data: { id: 1 } })).toEqual({
      kind: 'unknown',
      event: 'transfer.success',
      data: { id: 1 },
    });
    expect(parsePaystackWebhook({ event: 'subscription.expiring_cards', data: [] })?.kind).toBe('unknown');
    expect(parsePaystackWebhook({ event: 'charge.success', data: { id: 1 } })).toBeNull();
    expect(parsePaystackWebhook({ event: 'refund.processed', data: {} })).toBeNull();
    expect(parsePaystackWebhook('not json')).toBeNull();
    expect(parsePaystackWebhook({ data: {} })).toBeNull();
  });
});

describe('normalizeMetadata', () => {
  it('handles object | "" | 0 | null | stringified object', () => {
    expect(normalizeMetadata({ a: 1 })).toEqual({ a: 1 });
    expect(normalizeMetadata('')).toBeNull();
    expect(normalizeMetadata(0)).toBeNull();
    expect(normalizeMetadata(null)).toBeNull();
    expect(normalizeMetadata('{"policy":"P1"}')).toEqual({ policy: 'P1' });
    expect(normalizeMetadata('[1]')).toBeNull();
  });
});

describe('coverage of the fixture folder', () => {
  it('used every .json fixture', () => {
    const all = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
    expect(all.filter((f) => !used.has(f))).toEqual([]);
  });
});
