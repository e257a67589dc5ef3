// The one module for Nairobi time. Kenya has no daylight saving, so East Africa Time is a fixed
// UTC+3 and plain offset arithmetic is exact: no time-zone database, and a server running in UTC
// (or anywhere else) computes the same days and Daraja timestamps.
export const EAT_OFFSET_MS = 3 * 3600_000;
const DAY_MS = 86400_000;

/** The wall clock in Nairobi, as a Date whose UTC fields read Nairobi time (for formatting only). */
export function nairobiWallClock(at: Date = new Date()): Date {
  return new Date(at.getTime() + EAT_OFFSET_MS);
}

/** Today's date in Nairobi, "2026-11-25". */
export function todayInNairobi(now = new Date()): string {
  return nairobiWallClock(now).toISOString().slice(0, 10);
}

/** A calendar day `days` after (or before) "2026-11-25". */
export function addDays(isoDay: string, days: number): string {
  return new Date(Date.parse(`${isoDay}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The instant a Nairobi calendar day ("2026-11-25") starts. */
export function nairobiDayStart(day: string): Date {
  return new Date(`${day}T00:00:00+03:00`);
}

/** The instant the next Nairobi day starts: an exclusive upper bound for "up to and including `day`". */
export function nairobiDayEnd(day: string): Date {
  return new Date(nairobiDayStart(day).getTime() + DAY_MS);
}

/** "2026-11-25 14:05" in Nairobi, for CSV cells (sortable, and spreadsheets read it as a date). */
export function nairobiMinute(at: Date): string {
  return nairobiWallClock(at).toISOString().slice(0, 16).replace('T', ' ');
}

/** ISO 8601 with the offset, "2026-11-25T15:04:05+03:00". */
export function nairobiIso(at: Date): string {
  return `${nairobiWallClock(at).toISOString().slice(0, 19)}+03:00`;
}

/** "20261125": today in Nairobi, for file names; with `minutes`, "202611251405". */
export function nairobiCompactDate(now = new Date(), minutes = false): string {
  return nairobiWallClock(now).toISOString().slice(0, minutes ? 16 : 10).replace(/[-:T]/g, '');
}

/** True for a real calendar date written YYYY-MM-DD (rejects 2026-02-30). */
export function isCalendarDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}
