import { describe, expect, test } from 'vitest';
import { legacyReceiptNumber, receiptVerifyPath, signatureMatches, verifyLegacyReceiptNumber, verifySignature } from './receipt-number';

// Legacy derivation: kept to fill in numbers issued before they were stored (lib/receipts/backfill.ts).
const receiptNumberFor = (reference: string, secret: string) => legacyReceiptNumber(reference, secret);
const verifyReceiptNumber = (input: string, secret: string) => verifyLegacyReceiptNumber(input, secret);

const SECRET = 'unit-test-secret';

describe('receipt numbers', () => {
  test('a receipt number is the reference plus a 6-character tag, and verifies', () => {
    const no = receiptNumberFor('MLP-7K3Q9XWD', SECRET);
    expect(no).toMatch(/^MLP-7K3Q9XWD-[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(receiptNumberFor('MLP-7K3Q9XWD', SECRET)).toBe(no); // derived, not random
    expect(verifyReceiptNumber(no, SECRET)).toEqual({ ok: true, reference: 'MLP-7K3Q9XWD', receiptNo: no });
  });

  test('people may type it in lower case or with spaces around it', () => {
    const no = receiptNumberFor('MLP-7K3Q9XWD', SECRET);
    expect(verifyReceiptNumber(`  ${no.toLowerCase()} `, SECRET)).toMatchObject({ ok: true, reference: 'MLP-7K3Q9XWD' });
  });

  test('different references get different tags', () => {
    const tags = new Set(Array.from({ length: 200 }, (_, i) => receiptNumberFor(`MLP-${String(i).padStart(8, '0')}`, SECRET).slice(-6)));
    expect(tags.size).toBeGreaterThan(195);
  });

  test('an altered tag, an altered reference or another server\'s number is rejected', () => {
    const no = receiptNumberFor('MLP-7K3Q9XWD', SECRET);
    const tag = no.slice(-6);
    const flipped = tag[0] === 'A' ? `B${tag.slice(1)}` : `A${tag.slice(1)}`;
    expect(verifyReceiptNumber(`MLP-7K3Q9XWD-${flipped}`, SECRET)).toEqual({ ok: false });
    expect(verifyReceiptNumber(`MLP-7K3Q9XWE-${tag}`, SECRET)).toEqual({ ok: false });
    expect(verifyReceiptNumber(receiptNumberFor('MLP-7K3Q9XWD', 'someone-elses-secret'), SECRET)).toEqual({ ok: false });
  });

  test.each(['', 'MLP-7K3Q9XWD', 'MLP-7K3Q9XWD-', 'MLP-7K3Q9XWD-ABC', 'MLP-7K3Q9XWD-ABCDEFG', 'MLP-7K3Q9XWD-ABCDEI', '../etc/passwd', 'x'.repeat(500)])(
    'malformed %j is rejected',
    (bad) => {
      expect(verifyReceiptNumber(bad, SECRET)).toEqual({ ok: false });
    },
  );

  test('every tag character is checked, not just the first', () => {
    const no = receiptNumberFor('MLP-AAAAAAAA', SECRET);
    for (let i = 0; i < 6; i++) {
      const pos = no.length - 6 + i;
      const swapped = no[pos] === '0' ? '1' : '0';
      expect(verifyReceiptNumber(no.slice(0, pos) + swapped + no.slice(pos + 1), SECRET).ok).toBe(false);
    }
  });

  test('verification path', () => {
    expect(receiptVerifyPath('MLP-1-ABCDEF')).toBe('/receipts/verify/MLP-1-ABCDEF');
  });

  test('a signed verification link checks under its secret only, for its own number only', () => {
    const path = receiptVerifyPath('MLP-1-ABCDEF', SECRET);
    const sig = new URL(path, 'http://x').searchParams.get('s')!;
    expect(sig).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/);
    expect(signatureMatches('MLP-1-ABCDEF', sig, SECRET)).toBe(true);
    expect(signatureMatches('MLP-1-ABCDEF', sig.toLowerCase(), SECRET)).toBe(true);
    expect(signatureMatches('MLP-1-ABCDEG', sig, SECRET)).toBe(false);
    expect(signatureMatches('MLP-1-ABCDEF', sig, 'another-secret')).toBe(false);
    expect(signatureMatches('MLP-1-ABCDEF', sig.slice(1), SECRET)).toBe(false);
    expect(verifySignature('RF-0123456789', SECRET)).not.toBe(sig);
  });
});
