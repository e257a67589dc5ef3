// Money is an integer number of minor units (cents) everywhere; shillings appear only at edges.
export const CURRENCY = 'KES';

const groups = new Intl.NumberFormat('en-KE', { maximumFractionDigits: 0 });

/** 123456 -> "KES 1,234.56" (integer arithmetic, no float rounding). */
export function formatKes(minor: number): string {
  if (!Number.isSafeInteger(minor)) throw new Error(`not an integer amount: ${minor}`);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}KES ${groups.format(whole)}.${cents}`;
}

/** 123456 -> "1234.56" for CSV and machine-readable edges. */
export function minorToDecimal(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * Parses what a person typed ("1,500", "1500.00", "KES 1 500") into minor units, without floats.
 * Returns null for anything that is not a non-negative amount with at most two decimals.
 */
export function parseKesInput(input: string): number | null {
  const cleaned = input.replace(/^\s*(KES|KSH|Ksh\.?)\s*/i, '').replace(/[\s,]/g, '');
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!m) return null;
  const minor = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}

export function shillingsToMinor(shillings: number): number {
  if (!Number.isSafeInteger(shillings)) throw new Error(`not whole shillings: ${shillings}`);
  return shillings * 100;
}
