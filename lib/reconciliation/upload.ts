// Staff upload of the M-Pesa statement (the path that must always work), and re-running matching.
import type { Db } from '@/db/client';
import { RECON_CHANNELS } from '@/db/reconciliation-schema';
import { denyUnless, type Forbidden } from '@/lib/auth/roles';
import { recordAudit } from '@/lib/audit';
import { isCalendarDate } from '@/lib/nairobi-time';
import type { Viewer } from '@/lib/viewer';
import { reconcileDay } from './match';
import { parseMpesaStatement, type StatementLine } from './mpesa-statement';
import { importLines, sha256, type NewLine } from './store';

export const MAX_STATEMENT_BYTES = 10 * 1024 * 1024;

export type UploadResult = { ok: true; message: string; importId: string; rejected: { row: number; reason: string }[] } | { ok: false; code: 'invalid'; error: string } | Forbidden;

/** A parsed statement line as a stored line: money in is gross; a charge is a fee; money out is gross out. */
export function mpesaNewLine(l: StatementLine): NewLine {
  const charge = l.kind === 'charge';
  return {
    dedupeKey: l.dedupeKey,
    reference: l.receipt,
    occurredAt: l.occurredAt,
    kind: l.kind,
    grossMinor: charge ? 0 : l.paidInMinor || l.withdrawnMinor,
    feeMinor: charge ? l.withdrawnMinor : 0,
    balanceMinor: l.balanceMinor,
    details: l.details,
    status: l.status,
    otherParty: l.otherParty,
    account: l.account,
    raw: l.raw,
  };
}

export async function uploadMpesaStatement(db: Db, viewer: Viewer, file: { name: string; text: string }): Promise<UploadResult> {
  const denied = denyUnless(viewer, 'recon.upload');
  if (denied) return denied;
  if (!file.text.trim()) return { ok: false, code: 'invalid', error: 'The file is empty.' };
  if (file.text.length > MAX_STATEMENT_BYTES) return { ok: false, code: 'invalid', error: 'The file is larger than 10 MB; export a shorter period.' };
  const parsed = parseMpesaStatement(file.text);
  if (!parsed.ok) return { ok: false, code: 'invalid', error: parsed.error };
  if (parsed.lines.length === 0) return { ok: false, code: 'invalid', error: 'The statement has no transaction lines.' };
  const r = await importLines(db, { channel: 'mpesa', source: 'mpesa_statement', fileName: file.name.slice(0, 200), sha256: sha256(file.text), uploadedBy: viewer.userId, lines: parsed.lines.map(mpesaNewLine) });
  if (!r.ok) return { ok: false, code: 'invalid', error: r.error };
  await recordAudit(db, { actorId: viewer.userId, action: 'recon.upload_statement', targetType: 'recon_import', targetId: r.importId, detail: { fileName: file.name.slice(0, 200), lines: r.lines, newLines: r.newLines, adjustments: r.adjustments, days: r.days } });
  const breaks = r.results.reduce((n, d) => n + (d.lines.uncredited ?? 0) + (d.lines.amount_differs ?? 0) + (d.lines.unexplained ?? 0) + d.creditedNoMoney, 0);
  const message =
    r.newLines === 0
      ? `Nothing new: all ${r.lines} lines were already imported.`
      : `Imported ${r.newLines} new line${r.newLines === 1 ? '' : 's'} for ${r.days.join(', ')}${r.adjustments ? ` (${r.adjustments} as adjustments on today: their day was closed)` : ''}; ${breaks} break${breaks === 1 ? '' : 's'} found.`;
  return { ok: true, message, importId: r.importId, rejected: parsed.rejected };
}

export async function rerunMatching(db: Db, viewer: Viewer, raw: { day: string; channel: string }) {
  const denied = denyUnless(viewer, 'recon.upload');
  if (denied) return denied;
  if (!isCalendarDate(raw.day) || !(RECON_CHANNELS as readonly string[]).includes(raw.channel)) return { ok: false as const, code: 'invalid' as const, error: 'Unknown day.' };
  const r = await reconcileDay(db, raw.day, raw.channel as 'mpesa' | 'card');
  return r.closed ? { ok: false as const, code: 'invalid' as const, error: 'This day is closed.' } : { ok: true as const, message: 'Matching ran again.' };
}
