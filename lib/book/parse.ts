// Reads an uploaded book file: UTF-8 (with or without BOM), comma or semicolon separated (Excel
// writes semicolons where the decimal mark is a comma), streamed through csv-parse so a 100,000-row
// file never becomes one giant array of strings first. Every row is validated on its own.
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { COLUMNS, columnFor, type ColumnKey } from './columns';
import { bookRowSchema, type BookRow, type Rejection } from './row';

export const MAX_FILE_BYTES = 30 * 1024 * 1024;
export const MAX_ROWS = 250_000;

export type ParsedBook = { ok: true; rows: BookRow[]; rejected: Rejection[] } | { ok: false; error: string };

/** Bytes to text; Excel's "CSV UTF-8" starts with a BOM, which is dropped. */
export function decodeBookFile(bytes: Uint8Array): { ok: true; text: string } | { ok: false; error: string } {
  if (bytes.byteLength === 0) return { ok: false, error: 'The file is empty.' };
  if (bytes.byteLength > MAX_FILE_BYTES) return { ok: false, error: 'The file is larger than 30 MB. Split it into smaller files.' };
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { ok: true, text };
  } catch {
    return { ok: false, error: 'The file is not UTF-8 text. In Excel choose "Save as" → "CSV UTF-8 (Comma delimited)".' };
  }
}

/** The delimiter is whichever of ; and , the header line uses more (headers never contain either). */
export function detectDelimiter(text: string): ',' | ';' {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const count = (ch: string) => firstLine.split(ch).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

export async function parseBook(text: string): Promise<ParsedBook> {
  // Fed in 64 KB pieces, with a pause for other work every 2,000 rows: reading a big file must not
  // hold up this instance's payment callbacks and pages for seconds.
  function* pieces() {
    for (let i = 0; i < text.length; ) {
      let end = Math.min(i + 65_536, text.length);
      // Never split a surrogate pair (an emoji in a name): each piece is re-encoded as UTF-8 alone.
      const last = text.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff) end++;
      yield text.slice(i, end);
      i = end;
    }
  }
  let seen = 0;
  const parser = Readable.from(pieces()).pipe(
    parse({ delimiter: detectDelimiter(text), bom: true, info: true, trim: true, skip_empty_lines: true, relax_column_count: true }),
  );
  let columns: (ColumnKey | undefined)[] | null = null;
  const rows: BookRow[] = [];
  const rejected: Rejection[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines;
      if (++seen % 2000 === 0) await new Promise((r) => setImmediate(r));
      if (!columns) {
        columns = record.map(columnFor);
        const missing = COLUMNS.filter((c) => c.required && !columns!.includes(c.key)).map((c) => c.key);
        if (missing.length) return { ok: false, error: `The header row has no column for: ${missing.join(', ')}. Download the template to see every column.` };
        const dup = columns.find((c, i) => c && columns!.indexOf(c) !== i);
        if (dup) return { ok: false, error: `The header row has the column ${dup} twice.` };
        continue;
      }
      if (rows.length + rejected.length >= MAX_ROWS) return { ok: false, error: `The file has more than ${MAX_ROWS.toLocaleString('en-KE')} rows. Split it into smaller files.` };
      const input: Record<string, string> = {};
      for (const c of COLUMNS) input[c.key] = '';
      columns.forEach((key, i) => {
        if (key) input[key] = record[i] ?? '';
      });
      const policyNumber = input.policy_number || undefined;
      if (record.length !== columns.length) {
        rejected.push({ line, column: null, reason: `This row has ${record.length} values but the header has ${columns.length} columns.`, policyNumber });
        continue;
      }
      const parsed = bookRowSchema.safeParse(input);
      if (parsed.success) rows.push({ ...parsed.data, line });
      else {
        // One rejection per column at fault, in the file's column order.
        const seen = new Set<string>();
        for (const issue of parsed.error.issues) {
          const column = (issue.path[0] as ColumnKey | undefined) ?? null;
          if (seen.has(String(column))) continue;
          seen.add(String(column));
          rejected.push({ line, column, reason: issue.message, policyNumber });
        }
      }
    }
  } catch (err) {
    const e = err as { code?: string; lines?: number; message?: string };
    return { ok: false, error: `The file could not be read as CSV near line ${e.lines ?? '?'}: ${plainCsvError(e.code)}` };
  }
  if (!columns) return { ok: false, error: 'The file has no header row.' };
  if (rows.length + rejected.length === 0) return { ok: false, error: 'The file has a header row but no installments.' };
  return { ok: true, rows, rejected };
}

function plainCsvError(code: string | undefined) {
  if (code === 'CSV_QUOTE_NOT_CLOSED') return 'a quoted value is never closed (a " is missing).';
  if (code === 'CSV_INVALID_CLOSING_QUOTE') return 'a " appears in the middle of a value; write it as "".';
  return 'the CSV structure is broken.';
}
