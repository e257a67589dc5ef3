import { describe, expect, test } from 'vitest';
import { amountInWords, integerInWords } from './amount-in-words';

describe('amountInWords', () => {
  test.each([
    [0, 'Zero Kenya shillings only'],
    [1, 'One cent only'],
    [5, 'Five cents only'], // KES 0.05
    [50, 'Fifty cents only'],
    [100, 'One Kenya shilling only'],
    [1_500, 'Fifteen Kenya shillings only'],
    [10_000, 'One hundred Kenya shillings only'],
    [10_500, 'One hundred and five Kenya shillings only'],
    [11_900, 'One hundred and nineteen Kenya shillings only'],
    [4_200, 'Forty-two Kenya shillings only'],
    [101, 'One Kenya shilling and one cent only'],
    [99_999, 'Nine hundred and ninety-nine Kenya shillings and ninety-nine cents only'],
    [100_000, 'One thousand Kenya shillings only'],
    [100_500, 'One thousand and five Kenya shillings only'],
    [120_000, 'One thousand two hundred Kenya shillings only'],
    [1_200_000, 'Twelve thousand Kenya shillings only'],
    [350_000, 'Three thousand five hundred Kenya shillings only'],
    [1_234_567, 'Twelve thousand three hundred and forty-five Kenya shillings and sixty-seven cents only'],
    [2_000_000_000, 'Twenty million Kenya shillings only'],
    [100_000_150, 'One million and one Kenya shillings and fifty cents only'], // 1,000,001.50
    [100_010_000, 'One million one hundred Kenya shillings only'],
    [700_000_000_000, 'Seven billion Kenya shillings only'],
    [123_456_789_012_34, 'One hundred and twenty-three billion four hundred and fifty-six million seven hundred and eighty-nine thousand and twelve Kenya shillings and thirty-four cents only'],
  ])('%i cents → %s', (minor, words) => {
    expect(amountInWords(minor)).toBe(words);
  });

  test('the largest safe amount still has words', () => {
    expect(amountInWords(Number.MAX_SAFE_INTEGER)).toMatch(/^Ninety trillion .* Kenya shillings and ninety-one cents only$/);
  });

  test.each([-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('refuses %s', (bad) => {
    expect(() => amountInWords(bad)).toThrow();
  });

  test('integers', () => {
    expect(integerInWords(0)).toBe('zero');
    expect(integerInWords(20)).toBe('twenty');
    expect(integerInWords(1_000_000)).toBe('one million');
    expect(integerInWords(1_000_001)).toBe('one million and one');
    expect(integerInWords(1_001_000)).toBe('one million one thousand');
    expect(integerInWords(1_000_100)).toBe('one million one hundred');
  });
});
