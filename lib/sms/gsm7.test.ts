import { describe, expect, it } from 'vitest';
import { assertOneGsm7Part, nonGsm7Characters, smsLength } from './gsm7';

describe('smsLength', () => {
  it('counts plain text as GSM-7, 160 to a part', () => {
    expect(smsLength('a'.repeat(160))).toEqual({ encoding: 'gsm7', units: 160, parts: 1 });
    expect(smsLength('a'.repeat(161))).toEqual({ encoding: 'gsm7', units: 161, parts: 2 });
    expect(smsLength('a'.repeat(306))).toEqual({ encoding: 'gsm7', units: 306, parts: 2 });
  });

  it('counts extension characters as two', () => {
    expect(smsLength('{}€')).toEqual({ encoding: 'gsm7', units: 6, parts: 1 });
    expect(smsLength('[' + 'a'.repeat(159))).toMatchObject({ units: 161, parts: 2 });
  });

  it('switches to UCS-2 for a bullet, curly quotes or an emoji', () => {
    expect(smsLength('0712 •••678')).toMatchObject({ encoding: 'ucs2', parts: 1 });
    expect(smsLength('‘hi’')).toMatchObject({ encoding: 'ucs2' });
    expect(smsLength('a'.repeat(69) + '😀')).toEqual({ encoding: 'ucs2', units: 71, parts: 2 });
    expect(nonGsm7Characters('pay • now “x”')).toEqual(['•', '“', '”']);
  });

  it('refuses anything but one GSM-7 part', () => {
    expect(() => assertOneGsm7Part('Malipo: your code is 123456.')).not.toThrow();
    expect(() => assertOneGsm7Part('Pay • now')).toThrow(/outside GSM-7/);
    expect(() => assertOneGsm7Part('x'.repeat(161))).toThrow(/161 characters/);
  });
});
