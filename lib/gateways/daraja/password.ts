/**
 * Daraja timestamps and the STK Password (docs/daraja.md §1 "Time", docs/daraja.md §3.2).
 *
 * Every Daraja timestamp is Nairobi local time: East Africa Time, UTC+3, no daylight saving.
 * We add 3 hours to UTC ourselves instead of relying on the server's TZ or on Intl data, so a
 * container running in UTC (or anywhere else) produces the same value.
 */

import { EAT_OFFSET_MS, nairobiWallClock } from '@/lib/nairobi-time';

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** `YYYYMMDDHHmmss` in Nairobi time. Generate it once per request and reuse it for Password (docs/daraja.md §3.2). */
export function darajaTimestamp(date: Date = new Date()): string {
  const nairobi = nairobiWallClock(date);
  return (
    pad(nairobi.getUTCFullYear(), 4) +
    pad(nairobi.getUTCMonth() + 1) +
    pad(nairobi.getUTCDate()) +
    pad(nairobi.getUTCHours()) +
    pad(nairobi.getUTCMinutes()) +
    pad(nairobi.getUTCSeconds())
  );
}

/**
 * `base64(BusinessShortCode + Passkey + Timestamp)`: plain concatenation, standard base64 with
 * padding (docs/daraja.md §3.2). The shortcode must be the same value sent as `BusinessShortCode`, and the
 * timestamp the same string sent as `Timestamp`, or Daraja answers "Wrong credentials" (docs/daraja.md §12.5).
 */
export function stkPassword(shortcode: string, passkey: string, timestamp: string): string {
  return Buffer.from(`${shortcode}${passkey}${timestamp}`, 'utf8').toString('base64');
}

/**
 * Converts a Daraja `TransactionDate` (14 digits, Nairobi time, usually a JSON number such as
 * 20221117155745, docs/daraja.md §6.3) into an instant. Returns null for anything that is not a real calendar
 * date and time, so a malformed value never becomes a plausible-looking wrong date.
 */
export function parseDarajaDate(value: number | string): Date | null {
  let digits: string;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return null;
    digits = String(value);
  } else if (typeof value === 'string') {
    digits = value.trim();
  } else {
    return null;
  }
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(digits);
  if (!match) return null;

  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number, number, number, number, number, number,
  ];
  // Years below 100 would also be remapped by Date.UTC to 19xx; no real M-Pesa date is that old.
  if (year < 1970 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;

  const asIfUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC silently rolls 31 February over into March; reject such dates instead.
  if (new Date(asIfUtc).getUTCDate() !== day) return null;

  return new Date(asIfUtc - EAT_OFFSET_MS);
}
