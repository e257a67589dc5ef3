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

/**
 * Text chunks as a byte stream, pulled one chunk at a time (a long export never sits in memory).
 * A failure aborts the stream rather than ending it, so it never looks like a complete, short file.
 */
export function csvStream(chunks: AsyncGenerator<string>, onError?: (err: unknown) => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (err) {
          onError?.(err);
          controller.error(err);
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

/** A CSV download: the stream, a file name, never cached. */
export function csvDownload(body: ReadableStream<Uint8Array>, filename: string): Response {
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
