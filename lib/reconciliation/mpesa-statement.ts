// Reads the statement the M-Pesa organisation portal exports for a shortcode (CSV). The portal puts
// a few lines about the account (name, shortcode, period) above the header row, so the header is
// found by its receipt column. Column names vary a little between exports and portal versions:
// STATEMENT_COLUMNS below is the one place that maps them (a renamed column is a one-line fix).
import crypto from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { todayInNairobi } from '@/lib/nairobi-time';

/** Our field -> the header names the portal has used for it (matched ignoring case, spaces, dots, slashes). */
export const STATEMENT_COLUMNS = {
  receipt: ['Receipt No.', 'Receipt No', 'Receipt Number', 'Transaction ID'],
  completedAt: ['Completion Time', 'Completion Date', 'Transaction Time'],
  details: ['Details', 'Description'],
  status: ['Transaction Status', 'Status'],
  paidIn: ['Paid In', 'Paid in', 'Credit'],
  withdrawn: ['Withdrawn', 'Debit', 'Paid Out'],
  balance: ['Balance'],
  otherParty: ['Other Party Info', 'Other Party', 'Opposite Party'],
  account: ['A/C No.', 'A/C No', 'Account No', 'Account Number', 'Bill Reference'],
} as const satisfies Record<string, readonly string[]>;
export type StatementField = keyof typeof STATEMENT_COLUMNS;
const REQUIRED: StatementField[] = ['receipt', 'completedAt', 'status', 'paidIn', 'withdrawn'];

/** A withdrawn line whose details say it is a charge is a fee the gateway took, not money paid out. */
export const CHARGE_DETAILS = /charge|fee|commission/i;

export type StatementLine = {
  receipt: string;
  occurredAt: Date;
  details: string;
  status: string;
  kind: 'money_in' | 'charge' | 'money_out' | 'other';
  paidInMinor: number;
  withdrawnMinor: number;
  balanceMinor: number | null;
  otherParty: string | null;
  account: string | null;
  /** The row as it was in the file (its cells joined back as CSV), kept verbatim. */
  raw: string;
  /** Same line in any file, same key: a second import of it is a no-op. */
  dedupeKey: string;
};

export type ParsedStatement = { ok: true; lines: StatementLine[]; rejected: { row: number; reason: string }[] } | { ok: false; error: string };

const norm = (h: string) => h.toLowerCase().replace(/[\s._/-]+/g, '');
const FIELD_BY_HEADER = new Map<string, StatementField>(
  (Object.entries(STATEMENT_COLUMNS) as [StatementField, readonly string[]][]).flatMap(([field, names]) => names.map((n) => [norm(n), field] as const)),
);

/** "1,500.00", "-1,500.00", "" -> minor units (absolute; the column says the direction). */
export function statementAmountMinor(cell: string | undefined): number | null {
  const v = (cell ?? '').replace(/[,\s]/g, '').replace(/^KES/i, '');
  if (v === '' || v === '-') return 0;
  const m = /^-?(\d+)(?:\.(\d{1,2}))?$/.exec(v);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

/**
 * Completion time in Nairobi: "2026-11-25 14:05:33", "25-11-2026 14:05:33", "25/11/2026 14:05",
 * or Daraja's "20261125140533". Null when unreadable.
 */
export function statementTime(cell: string): Date | null {
  const v = cell.trim();
  let y: string, mo: string, d: string, h: string, mi: string, s: string | undefined;
  let m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (m) [, y, mo, d, h, mi, s] = m;
  else if ((m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(v))) [, d, mo, y, h, mi, s] = m;
  else if ((m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(v))) [, y, mo, d, h, mi, s] = m;
  else return null;
  const iso = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}T${h.padStart(2, '0')}:${mi}:${(s ?? '00').padStart(2, '0')}+03:00`;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? null : at;
}

function kindOf(status: string, paidIn: number, withdrawn: number, details: string): StatementLine['kind'] {
  if (!/^completed$/i.test(status.trim())) return 'other';
  if (paidIn > 0) return 'money_in';
  if (withdrawn > 0) return CHARGE_DETAILS.test(details) ? 'charge' : 'money_out';
  return 'other';
}

export function lineDedupeKey(l: Pick<StatementLine, 'receipt' | 'occurredAt' | 'paidInMinor' | 'withdrawnMinor' | 'details'>): string {
  // A receipt can carry two lines (the payment and its charge): direction, amount and details tell them apart.
  const basis = [l.receipt, l.occurredAt.toISOString(), l.paidInMinor, l.withdrawnMinor, l.details.trim().toLowerCase()].join('|');
  return `mpesa:${l.receipt}:${crypto.createHash('sha256').update(basis).digest('hex').slice(0, 16)}`;
}

const csvRow = (cells: string[]) => cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',');

export function parseMpesaStatement(text: string): ParsedStatement {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch {
    return { ok: false, error: 'This is not a CSV file we can read. Export the statement from the M-Pesa portal as CSV.' };
  }
  const headerAt = records.findIndex((r) => r.some((c) => FIELD_BY_HEADER.get(norm(c)) === 'receipt'));
  if (headerAt < 0) return { ok: false, error: 'No header row with a "Receipt No." column was found. Is this the M-Pesa organisation statement?' };
  const columns = records[headerAt].map((c) => FIELD_BY_HEADER.get(norm(c)));
  const missing = REQUIRED.filter((f) => !columns.includes(f));
  if (missing.length) return { ok: false, error: `The statement has no column for: ${missing.map((f) => STATEMENT_COLUMNS[f][0]).join(', ')}.` };
  const lines: StatementLine[] = [];
  const rejected: { row: number; reason: string }[] = [];
  const today = todayInNairobi();
  records.slice(headerAt + 1).forEach((record, i) => {
    const row = headerAt + i + 2;
    const cell = (f: StatementField) => {
      const at = columns.indexOf(f);
      return at < 0 ? '' : (record[at] ?? '').trim();
    };
    const receipt = cell('receipt').toUpperCase();
    if (!receipt) return; // footers ("Total", blank) carry no receipt
    if (!/^[A-Z0-9]{6,20}$/.test(receipt)) return void rejected.push({ row, reason: `"${receipt}" is not an M-Pesa receipt.` });
    const occurredAt = statementTime(cell('completedAt'));
    if (!occurredAt) return void rejected.push({ row, reason: `Completion time "${cell('completedAt')}" is not a date and time.` });
    if (occurredAt.getTime() > Date.parse(`${today}T23:59:59+03:00`) + 86400_000) return void rejected.push({ row, reason: 'Completion time is in the future.' });
    const paidInMinor = statementAmountMinor(cell('paidIn'));
    const withdrawnMinor = statementAmountMinor(cell('withdrawn'));
    if (paidInMinor === null || withdrawnMinor === null) return void rejected.push({ row, reason: 'Paid in / withdrawn is not an amount.' });
    const balance = cell('balance') === '' ? null : statementAmountMinor(cell('balance'));
    const details = cell('details');
    const status = cell('status');
    const line = {
      receipt,
      occurredAt,
      details,
      status,
      kind: kindOf(status, paidInMinor, withdrawnMinor, details),
      paidInMinor,
      withdrawnMinor,
      balanceMinor: balance && cell('balance').trim().startsWith('-') ? -balance : balance,
      otherParty: cell('otherParty') || null,
      account: cell('account') || null,
      raw: csvRow(record),
    };
    lines.push({ ...line, dedupeKey: lineDedupeKey(line) });
  });
  return { ok: true, lines, rejected };
}

/** The header row of the export, in the portal's words (the sandbox writes files with it). */
export const STATEMENT_HEADER = ['Receipt No.', 'Completion Time', 'Initiation Time', 'Details', 'Transaction Status', 'Paid In', 'Withdrawn', 'Balance', 'Balance Confirmed', 'Reason Type', 'Other Party Info', 'Linked Transaction ID', 'A/C No.'];
