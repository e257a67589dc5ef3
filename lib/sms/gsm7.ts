// SMS length rules. One SMS carries 160 characters of the GSM 03.38 7-bit alphabet (153 per part
// once split); a single character outside it (a bullet, a curly quote, an emoji) turns the whole
// message into UCS-2: 70 characters, 67 per part, each part billed. Our texts stay GSM-7, one part.

// The basic GSM 03.38 character set (escape and the characters of no use in our texts included).
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
// The extension table: each costs two septets (escape + the character).
const EXTENDED = '^{}\\[~]|€\f';

const basic = new Set(BASIC);
const extended = new Set(EXTENDED);

export type SmsLength = { encoding: 'gsm7' | 'ucs2'; units: number; parts: number };

/** How an SMS would be encoded and how many parts it would take. */
export function smsLength(text: string): SmsLength {
  let septets = 0;
  for (const ch of text) {
    if (basic.has(ch)) septets += 1;
    else if (extended.has(ch)) septets += 2;
    else {
      // UCS-2 counts UTF-16 code units (an emoji is two).
      const units = text.length;
      return { encoding: 'ucs2', units, parts: units <= 70 ? 1 : Math.ceil(units / 67) };
    }
  }
  return { encoding: 'gsm7', units: septets, parts: septets <= 160 ? 1 : Math.ceil(septets / 153) };
}

/** The characters that would force UCS-2, for error messages. */
export function nonGsm7Characters(text: string): string[] {
  return [...new Set([...text].filter((ch) => !basic.has(ch) && !extended.has(ch)))];
}

/** Every SMS we send must pass this: plain GSM-7, one part. */
export function assertOneGsm7Part(text: string) {
  const l = smsLength(text);
  if (l.encoding !== 'gsm7') throw new Error(`SMS has characters outside GSM-7: ${JSON.stringify(nonGsm7Characters(text))}`);
  if (l.parts !== 1) throw new Error(`SMS is ${l.units} characters; one part holds 160`);
}
