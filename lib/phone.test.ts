import { describe, expect, it } from 'vitest';

import { maskMsisdn, maskPhoneLocal, normalizeKenyanPhone } from './phone';

describe('normalizeKenyanPhone', () => {
  // Every accepted form from docs/daraja.md §11.
  it.each([
    ['+254712345678', '254712345678'],
    ['+254 110 123 456', '254110123456'],
    ['254712345678', '254712345678'],
    ['00254712345678', '254712345678'],
    ['0712345678', '254712345678'],
    ['0110123456', '254110123456'],
    ['712345678', '254712345678'],
    ['110123456', '254110123456'],
    ['+2540712345678', '254712345678'],
    ['2540712345678', '254712345678'],
    ['+254 (0) 712 345 678', '254712345678'],
    ['0712-345-678', '254712345678'],
    ['0712.345.678', '254712345678'],
    ['(0712) 345 678', '254712345678'],
    ['  0712 345 678  ', '254712345678'],
    ['0712\u00a0345\u00a0678', '254712345678'], // non-breaking spaces from a pasted number
    ['0712–345–678', '254712345678'], // en dashes
  ])('accepts %j as %s', (input, msisdn) => {
    const result = normalizeKenyanPhone(input);
    expect(result).toMatchObject({ ok: true, msisdn });
    if (result.ok) expect(result.msisdn).toMatch(/^254[17]\d{8}$/);
  });

  it.each([
    '',
    '   ',
    'abc',
    '071234567', // too short
    '07123456789', // too long
    '0212345678', // landline (subscriber starts with 2)
    '254812345678', // subscriber starts with 8
    '+255712345678', // Tanzania
    '+1 202 555 0143',
    '2547123456789',
    '07123x5678',
    '+',
    '++254712345678',
  ])('rejects %j with a plain-language message', (input) => {
    const result = normalizeKenyanPhone(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatch(/0712 345 678/);
      expect(result.error.length).toBeLessThan(120);
    }
  });

  it('gives a specific message for a foreign country code', () => {
    const result = normalizeKenyanPhone('+255712345678');
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/Only Kenyan numbers/) });
  });

  it('uses the spec example message for garbage', () => {
    expect(normalizeKenyanPhone('hello')).toEqual({
      ok: false,
      error: 'That does not look like a Kenyan phone number. Enter a Kenyan M-Pesa number like 0712 345 678.',
    });
  });

  describe('likelySafaricom (warn only, §11 prefix table)', () => {
    it.each([
      '0700000000', '0712345678', '0722000000', '0791234567',
      '0740123456', '0741123456', '0742123456', '0743123456', '0745123456', '0746123456',
      '0748123456', '0749123456', '0757123456', '0758123456', '0759123456', '0768123456',
      '0769123456', '0110123456', '0111123456', '0112123456', '0113123456', '0114123456',
      '0115123456', '254708374149',
    ])('%s is Safaricom', (input) => {
      expect(normalizeKenyanPhone(input)).toMatchObject({ ok: true, likelySafaricom: true });
    });

    it.each([
      '0730123456', '0750123456', '0756123456', '0761123456', '0762123456', '0780123456', // Airtel
      '0100123456', '0106123456', // Airtel 01xx
      '0770123456', '0120123456', // Telkom
      '0763123456', '0766123456', // Equitel
      '0744123456', '0747123456', '0760123456', '0767123456', // others
      '0116123456', // just past the 0110–0115 range
    ])('%s is not Safaricom but is still accepted', (input) => {
      expect(normalizeKenyanPhone(input)).toMatchObject({ ok: true, likelySafaricom: false });
    });
  });
});

describe('maskMsisdn', () => {
  it('keeps the first 4 and last 3 digits of an MSISDN', () => {
    expect(maskMsisdn('254712345678')).toBe('2547•••••678');
    expect(maskMsisdn('254110123456')).toBe('2541•••••456');
  });

  it('never reveals more than the last 3 characters of short input', () => {
    expect(maskMsisdn('12345')).toBe('••345');
    expect(maskMsisdn('123')).toBe('•••');
    expect(maskMsisdn('')).toBe('');
  });
});

describe('maskPhoneLocal', () => {
  it('shows a Kenyan number the way its owner writes it, middle digits hidden', () => {
    expect(maskPhoneLocal('254712345678')).toBe('0712 •••678');
    expect(maskPhoneLocal('254110123456')).toBe('0110 •••456');
  });
  it('anything else is masked as before', () => {
    expect(maskPhoneLocal('12345')).toBe('••345');
  });
});
