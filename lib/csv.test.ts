import { describe, expect, test } from 'vitest';
import { csvCell, csvLine } from './csv';

describe('CSV cells', () => {
  test('RFC 4180 quoting', () => {
    expect(csvCell(12.5)).toBe('12.5');
    expect(csvCell(false)).toBe('false');
    expect(csvCell('-5')).toBe("'-5");
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('Home & Contents, Nairobi')).toBe('"Home & Contents, Nairobi"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvLine(['a', 'b,c'])).toBe('a,"b,c"\r\n');
  });

  test.each(['=HYPERLINK("http://x")', '+254712', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])('a formula %j is neutralised', (v) => {
    const out = csvCell(v);
    expect(out.replace(/^"/, '').startsWith("'")).toBe(true);
  });


  test('numbers are never neutralised (a negative amount stays a number)', () => {
    expect(csvCell(-5)).toBe('-5');
  });
});
