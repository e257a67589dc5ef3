// The one CSV writer (RFC 4180), for every export. Exports stream line by line, so there is no
// whole-file step a library would help with.

// Excel needs the byte-order mark to read UTF-8 (names with accents, the card column's "••••").
export const CSV_BOM = '\uFEFF';

type Cell = string | number | boolean | null | undefined;

/**
 * One field. A spreadsheet runs a text cell starting with = + - @ (or tab/CR, which some strip
 * first) as a formula, so such cells get a leading apostrophe; then RFC 4180 quoting.
 */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  let v = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** One record, CRLF-terminated. */
export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
