// Nairobi calendar arithmetic for the history. Kenya has no daylight saving, so East Africa Time
// is a fixed UTC+3 and plain offset arithmetic is exact (no time-zone database needed).
const EAT_OFFSET_MS = 3 * 3600_000;
const DAY_MS = 86400_000;

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
  return new Date(at.getTime() + EAT_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** "20261125": today in Nairobi, for file names. */
export function nairobiCompactDate(now = new Date()): string {
  return new Date(now.getTime() + EAT_OFFSET_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

/** True for a real calendar date written YYYY-MM-DD (rejects 2026-02-30). */
export function isCalendarDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}
