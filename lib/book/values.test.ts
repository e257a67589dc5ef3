import { describe, expect, test } from 'vitest';
import { detectDelimiter } from './parse';
import { parseBookDate, parseCommissionBps, parseKesAmount } from './values';

describe('book file values', () => {
  test('dates: ISO or day-first, real calendar days only', () => {
    expect(parseBookDate('2026-02-01')).toBe('2026-02-01');
    expect(parseBookDate('01/02/2026')).toBe('2026-02-01');
    expect(parseBookDate('1/2/2026')).toBe('2026-02-01');
    expect(parseBookDate('29/02/2028')).toBe('2028-02-29');
    for (const bad of ['29/02/2026', '2026-13-01', '2026-02-30', '02-01-2026', '2026/02/01', '', '2026-2-1']) expect(parseBookDate(bad)).toBeNull();
  });

  test('amounts: cents as integers, commas only as thousands separators', () => {
    expect(parseKesAmount('1,200.50')).toBe(120050);
    expect(parseKesAmount('1200.5')).toBe(120050);
    expect(parseKesAmount('1200')).toBe(120000);
    expect(parseKesAmount('1,234,567.89')).toBe(123456789);
    expect(parseKesAmount('0.10')).toBe(10);
    // 0.1 + 0.2 style float traps do not exist here: 19.99 is exactly 1999.
    expect(parseKesAmount('19.99')).toBe(1999);
    for (const bad of ['12.345', '1,20.00', '12,00', '-5', 'KES 5', '1.2.3', '', '1e3']) expect(parseKesAmount(bad)).toBeNull();
  });

  test('commission: percent to basis points', () => {
    expect(parseCommissionBps('10')).toBe(1000);
    expect(parseCommissionBps('7.5%')).toBe(750);
    expect(parseCommissionBps('0.25')).toBe(25);
    expect(parseCommissionBps('100')).toBe(10000);
    for (const bad of ['100.01', '150', '-1', 'ten']) expect(parseCommissionBps(bad)).toBeNull();
  });

  test('delimiter from the header line', () => {
    expect(detectDelimiter('a;b;c\n1,5;2;3')).toBe(';');
    expect(detectDelimiter('a,b,c\r\n"1;2",3,4')).toBe(',');
  });
});

describe('reading a big file in pieces', () => {
  test('a name with an emoji across a 64 KB boundary survives', async () => {
    const { parseBook } = await import('./parse');
    const { templateCsv } = await import('./columns');
    const [head, row] = templateCsv().split('\r\n');
    // Filler policies, the last one's name padded so the emoji's first half is character 65,535.
    const filler = (i: number, name: string) => row.replace('CL-000123', `CL-F${i}`).replace('Achieng Otieno', name).replace('achieng@', `f${i}@`).replace('POL/2026/0001', `F-${i}`) + '\r\n';
    const target = 65_535 - 'CL-000123,Achieng '.length;
    let text = `${head}\r\n`;
    let i = 0;
    while (target - text.length > 400) text += filler(i++, 'Filler');
    const base = filler(i, 'F').length;
    text += filler(i, `F${'x'.repeat(target - text.length - base)}`);
    expect(text.length).toBe(target);
    text += `${row.replace('Achieng Otieno', 'Achieng 😀')}\r\n`;
    const parsed = await parseBook(text);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.rows.at(-1)!.holder_name).toBe('Achieng 😀');
  });
});
