import { describe, expect, it } from 'vitest';

import {
  darajaErrorSchema,
  oauthTokenSchema,
  parseStkCallback,
  shillingsToMinor,
  stkPushAckSchema,
  stkQueryAnswerSchema,
} from './schemas';

// Real bodies, verbatim from docs/daraja.md §6.1 / §6.2, kept as raw text so JSON.parse sees
// exactly what Safaricom sent (e.g. `1.00`).
const SUCCESS_WITH_BALANCE =
  '{"Body":{"stkCallback":{"MerchantRequestID":"11225-96181251-1","CheckoutRequestID":"ws_CO_17112022155730304708374149","ResultCode":0,"ResultDesc":"The service request is processed successfully.","CallbackMetadata":{"Item":[{"Name":"Amount","Value":1.00},{"Name":"MpesaReceiptNumber","Value":"QKH94M1Z11"},{"Name":"Balance"},{"Name":"TransactionDate","Value":20221117155745},{"Name":"PhoneNumber","Value":254708374149}]}}}}';

// Safaricom's documented sample: "the same without the Balance item" with the values listed in docs/daraja.md §6.1.
const SUCCESS_DOCUMENTED_SAMPLE =
  '{"Body":{"stkCallback":{"MerchantRequestID":"29115-34620561-1","CheckoutRequestID":"ws_CO_191220191020363925","ResultCode":0,"ResultDesc":"The service request is processed successfully.","CallbackMetadata":{"Item":[{"Name":"Amount","Value":1.00},{"Name":"MpesaReceiptNumber","Value":"NLJ7RT61SV"},{"Name":"TransactionDate","Value":20191219102115},{"Name":"PhoneNumber","Value":254708374149}]}}}}';

const SUCCESS_PRODUCTION_2026 =
  '{"Body":{"stkCallback":{"MerchantRequestID":"2c96-4e0b-a891-89b62294fe843355901","CheckoutRequestID":"ws_CO_11012026023640670708374149","ResultCode":0,"ResultDesc":"The service request is processed successfully.","CallbackMetadata":{"Item":[{"Name":"Amount","Value":1},{"Name":"MpesaReceiptNumber","Value":"UABBX3K0J5"},{"Name":"TransactionDate","Value":20260111023659},{"Name":"PhoneNumber","Value":254708374149}]}}}}';

const CANCELLED =
  '{"Body":{"stkCallback":{"MerchantRequestID":"f1e2-4b95-a71d-b30d3cdbb7a7942864","CheckoutRequestID":"ws_CO_21072024125243250722943992","ResultCode":1032,"ResultDesc":"Request cancelled by user"}}}';

/** The other real failures of docs/daraja.md §6.2 share the four keys; only ResultCode/ResultDesc differ. */
const failureBody = (resultCode: string): string =>
  `{"Body":{"stkCallback":{"MerchantRequestID":"f1e2-4b95-a71d-b30d3cdbb7a7942864","CheckoutRequestID":"ws_CO_21072024125243250722943992",${resultCode}}}}`;

const parse = (raw: string) => parseStkCallback(JSON.parse(raw) as unknown);

describe('parseStkCallback: real success bodies (§6.1)', () => {
  it('reads the success with a value-less Balance item', () => {
    expect(parse(SUCCESS_WITH_BALANCE)).toEqual({
      ok: true,
      value: {
        merchantRequestId: '11225-96181251-1',
        checkoutRequestId: 'ws_CO_17112022155730304708374149',
        resultCode: '0',
        resultDesc: 'The service request is processed successfully.',
        amountMinor: 100,
        receipt: 'QKH94M1Z11',
        transactionDate: new Date('2022-11-17T12:57:45.000Z'),
        phone: '254708374149',
      },
    });
  });

  it('reads Safaricom’s documented sample (no Balance)', () => {
    expect(parse(SUCCESS_DOCUMENTED_SAMPLE)).toEqual({
      ok: true,
      value: {
        merchantRequestId: '29115-34620561-1',
        checkoutRequestId: 'ws_CO_191220191020363925',
        resultCode: '0',
        resultDesc: 'The service request is processed successfully.',
        amountMinor: 100,
        receipt: 'NLJ7RT61SV',
        transactionDate: new Date('2019-12-19T07:21:15.000Z'),
        phone: '254708374149',
      },
    });
  });

  it('reads the 2026 production success (Amount written 1)', () => {
    expect(parse(SUCCESS_PRODUCTION_2026)).toEqual({
      ok: true,
      value: {
        merchantRequestId: '2c96-4e0b-a891-89b62294fe843355901',
        checkoutRequestId: 'ws_CO_11012026023640670708374149',
        resultCode: '0',
        resultDesc: 'The service request is processed successfully.',
        amountMinor: 100,
        receipt: 'UABBX3K0J5',
        transactionDate: new Date('2026-01-10T23:36:59.000Z'),
        phone: '254708374149',
      },
    });
  });

  it('reads metadata by name whatever the order, with string values and extra unknown keys', () => {
    const body = {
      Body: {
        stkCallback: {
          MerchantRequestID: 'dd71-416b-aa9f-3c6d4478c34e1063721',
          CheckoutRequestID: 'ws_CO_25052026163336483708374149',
          ResultCode: '0',
          ResultDesc: 'The service request is processed successfully.',
          SomethingNew: { nested: true },
          CallbackMetadata: {
            Item: [
              { Name: 'PhoneNumber', Value: '254712345678' },
              { Name: 'TransactionDate', Value: '20260525163400' },
              { Name: 'Balance' },
              { Name: 'MpesaReceiptNumber', Value: 'UE4JS31RBV' },
              { Name: 'Amount', Value: '4500.50' },
              { Name: 'NewField', Value: 'ignored' },
            ],
          },
        },
        Extra: 1,
      },
    };
    expect(parseStkCallback(body)).toEqual({
      ok: true,
      value: {
        merchantRequestId: 'dd71-416b-aa9f-3c6d4478c34e1063721',
        checkoutRequestId: 'ws_CO_25052026163336483708374149',
        resultCode: '0',
        resultDesc: 'The service request is processed successfully.',
        amountMinor: 450_050,
        receipt: 'UE4JS31RBV',
        transactionDate: new Date('2026-05-25T13:34:00.000Z'),
        phone: '254712345678',
      },
    });
  });
});

describe('parseStkCallback: real failure bodies (§6.2)', () => {
  it('reads the cancelled body verbatim, with no metadata', () => {
    expect(parse(CANCELLED)).toEqual({
      ok: true,
      value: {
        merchantRequestId: 'f1e2-4b95-a71d-b30d3cdbb7a7942864',
        checkoutRequestId: 'ws_CO_21072024125243250722943992',
        resultCode: '1032',
        resultDesc: 'Request cancelled by user',
        amountMinor: null,
        receipt: null,
        transactionDate: null,
        phone: null,
      },
    });
  });

  it.each([
    ['"ResultCode":1,"ResultDesc":"The balance is insufficient for the transaction."', '1', 'The balance is insufficient for the transaction.'],
    ['"ResultCode":1037,"ResultDesc":"DS timeout user cannot be reached."', '1037', 'DS timeout user cannot be reached.'],
    ['"ResultCode":2001,"ResultDesc":"The initiator information is invalid."', '2001', 'The initiator information is invalid.'],
    ['"ResultCode":1019,"ResultDesc":"Transaction has expired"', '1019', 'Transaction has expired'],
    ['"ResultCode":17,"ResultDesc":"Rule limited."', '17', 'Rule limited.'],
    ['"ResultCode":"SFC_IC0003","ResultDesc":"The operator does not exist."', 'SFC_IC0003', 'The operator does not exist.'],
    ['"ResultCode":"E3008","ResultDesc":"Error, the user has a bad debt contract."', 'E3008', 'Error, the user has a bad debt contract.'],
  ])('reads %s', (fields, resultCode, resultDesc) => {
    expect(parse(failureBody(fields))).toEqual({
      ok: true,
      value: {
        merchantRequestId: 'f1e2-4b95-a71d-b30d3cdbb7a7942864',
        checkoutRequestId: 'ws_CO_21072024125243250722943992',
        resultCode,
        resultDesc,
        amountMinor: null,
        receipt: null,
        transactionDate: null,
        phone: null,
      },
    });
  });
});

describe('parseStkCallback: malformed bodies', () => {
  const valid = () => JSON.parse(SUCCESS_PRODUCTION_2026) as { Body: { stkCallback: Record<string, unknown> } };

  it('rejects a body without CheckoutRequestID, naming the field', () => {
    const body = valid();
    delete body.Body.stkCallback.CheckoutRequestID;
    const result = parseStkCallback(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('Body.stkCallback.CheckoutRequestID');
  });

  it('rejects an empty CheckoutRequestID', () => {
    const body = valid();
    body.Body.stkCallback.CheckoutRequestID = '   ';
    expect(parseStkCallback(body).ok).toBe(false);
  });

  it('rejects a missing ResultCode', () => {
    const body = valid();
    delete body.Body.stkCallback.ResultCode;
    const result = parseStkCallback(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('ResultCode');
  });

  it.each([
    ['Body is a string', { Body: 'nope' }],
    ['Body is an array', { Body: [] }],
    ['Body is null', { Body: null }],
    ['no Body', { stkCallback: {} }],
    ['no stkCallback', { Body: {} }],
    ['null', null],
    ['a string', 'hello'],
    ['an array', []],
  ])('rejects %s', (_label, body) => {
    const result = parseStkCallback(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^Not an STK callback: /);
  });

  it('keeps a success without MpesaReceiptNumber, with receipt null, so the caller can flag it', () => {
    const body = valid();
    body.Body.stkCallback.CallbackMetadata = {
      Item: [
        { Name: 'Amount', Value: 1 },
        { Name: 'TransactionDate', Value: 20260111023659 },
        { Name: 'PhoneNumber', Value: 254708374149 },
      ],
    };
    const result = parseStkCallback(body);
    expect(result).toMatchObject({ ok: true, value: { resultCode: '0', receipt: null, amountMinor: 100 } });
  });

  it('keeps a success without any CallbackMetadata, every metadata field null', () => {
    const body = valid();
    delete body.Body.stkCallback.CallbackMetadata;
    expect(parseStkCallback(body)).toMatchObject({
      ok: true,
      value: { resultCode: '0', amountMinor: null, receipt: null, transactionDate: null, phone: null },
    });
  });

  it('skips malformed metadata items instead of dropping the callback', () => {
    const body = valid();
    body.Body.stkCallback.CallbackMetadata = {
      Item: [null, 'x', { Value: 5 }, { Name: 'Amount', Value: 1 }, { Name: 'MpesaReceiptNumber', Value: 'UABBX3K0J5' }],
    };
    expect(parseStkCallback(body)).toMatchObject({ ok: true, value: { amountMinor: 100, receipt: 'UABBX3K0J5' } });
  });

  it('treats an item that appears twice with different values as missing (ambiguous body)', () => {
    const body = valid();
    body.Body.stkCallback.CallbackMetadata = {
      Item: [
        { Name: 'Amount', Value: 1 },
        { Name: 'Amount', Value: 1000 },
        { Name: 'MpesaReceiptNumber', Value: 'UABBX3K0J5' },
        { Name: 'MpesaReceiptNumber', Value: 'UABBX3K0J5' },
      ],
    };
    expect(parseStkCallback(body)).toMatchObject({ ok: true, value: { amountMinor: null, receipt: 'UABBX3K0J5' } });
  });

  it('returns null for unreadable metadata values', () => {
    const body = valid();
    body.Body.stkCallback.CallbackMetadata = {
      Item: [
        { Name: 'Amount', Value: 'one shilling' },
        { Name: 'MpesaReceiptNumber', Value: '' },
        { Name: 'TransactionDate', Value: 20261317000000 },
        { Name: 'PhoneNumber', Value: 'a1b2c3' },
      ],
    };
    expect(parseStkCallback(body)).toMatchObject({
      ok: true,
      value: { amountMinor: null, receipt: null, transactionDate: null, phone: null },
    });
  });
});

describe('shillingsToMinor', () => {
  it.each([
    [1, 100],
    [1.0, 100],
    ['1.00', 100],
    ['1', 100],
    [450, 45_000],
    ['250000.00', 25_000_000],
    [0.1, 10],
    [1.15, 115], // 1.15 * 100 is 114.99999999999999 in floats; digits give 115
    ['19.99', 1999],
    ['2.5', 250],
    ['7.000', 700],
    [' 12 ', 1200],
    [0, 0],
  ])('%j shillings -> %d cents', (value, cents) => {
    expect(shillingsToMinor(value)).toBe(cents);
  });

  it.each([[-1], ['-1'], ['1.005'], ['1e3'], [1e21], [Number.NaN], [Number.POSITIVE_INFINITY], [''], ['abc'], [null], [undefined], [{}], [true]])(
    'rejects %j',
    (value) => {
      expect(shillingsToMinor(value)).toBeNull();
    },
  );
});

describe('other Daraja schemas', () => {
  it('parses the STK push acknowledgement (§3.5)', () => {
    const ack = stkPushAckSchema.parse(
      JSON.parse(
        '{"MerchantRequestID":"2654-4b64-97ff-b827b542881d3130","CheckoutRequestID":"ws_CO_1007202409152617172396192","ResponseCode":"0","ResponseDescription":"Success. Request accepted for processing","CustomerMessage":"Success. Request accepted for processing"}',
      ),
    );
    expect(ack).toEqual({
      MerchantRequestID: '2654-4b64-97ff-b827b542881d3130',
      CheckoutRequestID: 'ws_CO_1007202409152617172396192',
      ResponseCode: '0',
      ResponseDescription: 'Success. Request accepted for processing',
      CustomerMessage: 'Success. Request accepted for processing',
    });
  });

  it('parses the camelCase Daraja error body (§3.6), requestId optional or empty', () => {
    expect(
      darajaErrorSchema.parse({
        requestId: '1c5b-4ba8-815c-ac45c57a3db01495926',
        errorCode: '400.002.02',
        errorMessage: 'Bad Request - Invalid BusinessShortCode',
      }),
    ).toEqual({
      requestId: '1c5b-4ba8-815c-ac45c57a3db01495926',
      errorCode: '400.002.02',
      errorMessage: 'Bad Request - Invalid BusinessShortCode',
    });
    expect(darajaErrorSchema.parse({ errorCode: '500.001.1001', errorMessage: 'The transaction does not Exist' })).toEqual({
      errorCode: '500.001.1001',
      errorMessage: 'The transaction does not Exist',
    });
    expect(darajaErrorSchema.safeParse({ ResponseCode: '0' }).success).toBe(false);
  });

  it('parses the OAuth answer with expires_in as a string or a number (§2)', () => {
    expect(oauthTokenSchema.parse({ access_token: 'c9SQxWWhmdVRlyh0zh8gZDTkubVF', expires_in: '3599' })).toEqual({
      access_token: 'c9SQxWWhmdVRlyh0zh8gZDTkubVF',
      expires_in: 3599,
    });
    expect(oauthTokenSchema.parse({ access_token: 'abc', expires_in: 3599 }).expires_in).toBe(3599);
    expect(oauthTokenSchema.safeParse({ access_token: 'abc', expires_in: '' }).success).toBe(false);
    expect(oauthTokenSchema.safeParse({ access_token: 'abc', expires_in: 'soon' }).success).toBe(false);
    expect(oauthTokenSchema.safeParse({ access_token: '', expires_in: '3599' }).success).toBe(false);
    expect(oauthTokenSchema.safeParse({ expires_in: '3599' }).success).toBe(false);
  });

  it('parses STK query answers: final (with the successsfully typo), 4999 alone, numeric codes (§5)', () => {
    expect(
      stkQueryAnswerSchema.parse(
        JSON.parse(
          '{"ResponseCode":"0","ResponseDescription":"The service request has been accepted successsfully","MerchantRequestID":"22205-34066-1","CheckoutRequestID":"ws_CO_13012021093521236557","ResultCode":"0","ResultDesc":"The service request is processed successfully."}',
        ),
      ).ResultCode,
    ).toBe('0');
    expect(
      stkQueryAnswerSchema.parse(JSON.parse('{"ResultCode":"4999","ResultDesc":"The transaction is still under processing"}')),
    ).toEqual({ ResultCode: '4999', ResultDesc: 'The transaction is still under processing' });
    expect(stkQueryAnswerSchema.parse({ ResultCode: 1032 }).ResultCode).toBe(1032);
    expect(stkQueryAnswerSchema.safeParse({ ResponseCode: '0' }).success).toBe(false);
  });
});
