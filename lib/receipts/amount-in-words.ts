// Amounts written out for receipts ("Twelve thousand Kenya shillings only"), in British English as
// Kenyan receipts and cheques use it: "and" after hundreds and before a last group under 100.
const ONES = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
// Short scale; a safe integer of cents stays below a hundred trillion shillings.
const SCALES = ['', 'thousand', 'million', 'billion', 'trillion'];

function underHundred(n: number): string {
  if (n < 20) return ONES[n];
  const tens = TENS[Math.floor(n / 10)];
  return n % 10 ? `${tens}-${ONES[n % 10]}` : tens;
}

function underThousand(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (!hundreds) return underHundred(rest);
  return rest ? `${ONES[hundreds]} hundred and ${underHundred(rest)}` : `${ONES[hundreds]} hundred`;
}

/** 1000001 -> "one million and one"; 0 -> "zero". */
export function integerInWords(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${n}`);
  if (n === 0) return ONES[0];
  const groups: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 1000)) groups.push(rest % 1000);
  const parts: string[] = [];
  for (let i = groups.length - 1; i >= 0; i--) {
    const g = groups[i];
    if (!g) continue;
    const words = underThousand(g);
    // "one thousand and five": the last group joins with "and" when it has no hundreds of its own.
    const joiner = i === 0 && g < 100 && groups.length > 1 ? 'and ' : '';
    parts.push(`${joiner}${words}${SCALES[i] ? ` ${SCALES[i]}` : ''}`);
  }
  return parts.join(' ');
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * An amount in KES cents in words for a receipt:
 * 1_200_000 -> "Twelve thousand Kenya shillings only";
 * 100_000_150 -> "One million and one Kenya shillings and fifty cents only"; 5 -> "Five cents only".
 */
export function amountInWords(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new Error(`not a non-negative amount in cents: ${minor}`);
  const shillings = Math.floor(minor / 100);
  const cents = minor % 100;
  const sh = `${integerInWords(shillings)} Kenya ${shillings === 1 ? 'shilling' : 'shillings'}`;
  const ct = `${integerInWords(cents)} ${cents === 1 ? 'cent' : 'cents'}`;
  if (!cents) return `${capitalise(sh)} only`;
  if (!shillings) return `${capitalise(ct)} only`;
  return `${capitalise(sh)} and ${ct} only`;
}
