import { describe, expect, test } from 'vitest';
import { formatKes, minorToDecimal, parseKesInput } from './money';

describe('money', () => {
  test('formats minor units as KES without float error', () => {
    expect(formatKes(0)).toBe('KES 0.00');
    expect(formatKes(5)).toBe('KES 0.05');
    expect(formatKes(1_200_000)).toBe('KES 12,000.00');
    expect(formatKes(123_456_789)).toBe('KES 1,234,567.89');
    expect(formatKes(-1050)).toBe('-KES 10.50');
    expect(() => formatKes(1.5)).toThrow();
  });

  test('decimal strings for CSV', () => {
    expect(minorToDecimal(1_200_005)).toBe('12000.05');
    expect(minorToDecimal(-7)).toBe('-0.07');
  });

  test.each([
    ['1500', 150_000],
    ['1,500', 150_000],
    ['KES 1 500.5', 150_050],
    ['0.1', 10],
    ['12000.00', 1_200_000],
  ])('parses %s', (input, minor) => {
    expect(parseKesInput(input)).toBe(minor);
  });

  test.each(['', 'abc', '-5', '1.234', '1e3', '12..0', ' . '])('rejects %j', (input) => {
    expect(parseKesInput(input)).toBeNull();
  });
});
