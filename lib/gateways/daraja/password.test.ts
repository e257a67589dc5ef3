import { describe, expect, it } from 'vitest';

import { darajaTimestamp, parseDarajaDate, stkPassword } from './password';

// docs/daraja.md §3.1 (Safaricom's documented request) and docs/daraja.md §3.2 (worked example).
const DOC_PASSWORD =
  'MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkzMDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMjEwNjI4MDkyNDA4';
const SANDBOX_PASSKEY = 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919';

describe('stkPassword', () => {
  it('reproduces the Password of Safaricom’s documented example', () => {
    expect(stkPassword('174379', SANDBOX_PASSKEY, '20210628092408')).toBe(DOC_PASSWORD);
  });

  it('is the base64 of the plain concatenation', () => {
    expect(Buffer.from(DOC_PASSWORD, 'base64').toString('utf8')).toBe(
      '174379bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c91920210628092408',
    );
  });
});

describe('darajaTimestamp', () => {
  it('is Nairobi time (UTC+3), 14 digits', () => {
    // 06:24:08 UTC is 09:24:08 in Nairobi: the documented example timestamp.
    expect(darajaTimestamp(new Date('2021-06-28T06:24:08Z'))).toBe('20210628092408');
  });

  it('rolls over the day, month and year at Nairobi midnight', () => {
    expect(darajaTimestamp(new Date('2025-12-31T21:00:00Z'))).toBe('20260101000000');
    expect(darajaTimestamp(new Date('2025-12-31T20:59:59Z'))).toBe('20251231235959');
    expect(darajaTimestamp(new Date('2024-02-28T22:30:05Z'))).toBe('20240229013005');
  });

  it('does not depend on the machine time zone', () => {
    // Same instant, whatever process.env.TZ says: the function only uses UTC getters.
    const instant = new Date(Date.UTC(2026, 0, 11, 0, 36, 59));
    expect(darajaTimestamp(instant)).toBe('20260111033659');
  });

  it('defaults to now', () => {
    const before = darajaTimestamp(new Date(Date.now() - 1000));
    const value = darajaTimestamp();
    const after = darajaTimestamp(new Date(Date.now() + 1000));
    expect(value).toMatch(/^\d{14}$/);
    expect(value >= before && value <= after).toBe(true);
  });
});

describe('parseDarajaDate', () => {
  it('reads a numeric TransactionDate as Nairobi time', () => {
    expect(parseDarajaDate(20221117155745)?.toISOString()).toBe('2022-11-17T12:57:45.000Z');
  });

  it('reads the string form too', () => {
    expect(parseDarajaDate('20260111023659')?.toISOString()).toBe('2026-01-10T23:36:59.000Z');
  });

  it('round-trips with darajaTimestamp', () => {
    const instant = new Date('2026-05-04T08:09:10Z');
    expect(parseDarajaDate(darajaTimestamp(instant))?.getTime()).toBe(instant.getTime());
  });

  it.each([
    ['too short', '2022111715574'],
    ['too long', 202211171557450],
    ['month 13', '20221317155745'],
    ['month 0', '20220017155745'],
    ['31 February', '20230231120000'],
    ['hour 24', '20221117245745'],
    ['minute 60', '20221117156045'],
    ['letters', '2022111715574a'],
    ['a float', 20221117155745.5],
    ['empty', ''],
    ['year 0001', '00010101000000'],
  ])('rejects %s', (_label, value) => {
    expect(parseDarajaDate(value)).toBeNull();
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseDarajaDate('20240229120000')?.toISOString()).toBe('2024-02-29T09:00:00.000Z');
  });
});
