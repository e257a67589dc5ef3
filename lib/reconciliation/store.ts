// Statement lines in: stored raw, once (a second import of the same line is a no-op), on their
// Nairobi day, or, when that day is already closed, as an adjustment on today. Matching runs for
// every open day the import touched.
import crypto from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { reconDays, reconImports, reconLines, type ReconChannel, type ReconLine } from '@/db/reconciliation-schema';
import { todayInNairobi } from '@/lib/nairobi-time';
import { reconcileDay, type DayResult } from './match';

export type NewLine = Pick<ReconLine, 'dedupeKey' | 'reference' | 'occurredAt' | 'kind' | 'grossMinor' | 'feeMinor' | 'balanceMinor' | 'details' | 'status' | 'otherParty' | 'account' | 'raw'>;

export type ImportResult =
  | { ok: true; importId: string; duplicateFile: boolean; lines: number; newLines: number; adjustments: number; days: string[]; results: DayResult[] }
  | { ok: false; error: string };

export const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

export async function importLines(
  db: Db,
  input: { channel: ReconChannel; source: string; fileName?: string | null; sha256: string; uploadedBy?: string | null; detail?: Record<string, unknown>; lines: NewLine[] },
  now = new Date(),
): Promise<ImportResult> {
  const today = todayInNairobi(now);
  const naturalDays = [...new Set(input.lines.map((l) => todayInNairobi(l.occurredAt)))];
  const stored = await db.transaction(async (tx) => {
    const closed = new Set(
      naturalDays.length
        ? (await tx.select({ day: reconDays.day }).from(reconDays).where(and(eq(reconDays.channel, input.channel), eq(reconDays.status, 'closed'), inArray(reconDays.day, [...naturalDays, today])))).map((d) => d.day)
        : [],
    );
    const [created] = await tx
      .insert(reconImports)
      .values({ channel: input.channel, source: input.source, fileName: input.fileName ?? null, sha256: input.sha256, lineCount: input.lines.length, uploadedBy: input.uploadedBy ?? null, detail: input.detail ?? {} })
      .onConflictDoNothing()
      .returning();
    const existing = created ? null : (await tx.select().from(reconImports).where(and(eq(reconImports.channel, input.channel), eq(reconImports.sha256, input.sha256))))[0];
    const imp = created ?? existing!;
    // Lines already stored (this file or another that carried them) stay as they are.
    const known = new Set(
      input.lines.length
        ? (await tx.select({ k: reconLines.dedupeKey }).from(reconLines).where(and(eq(reconLines.channel, input.channel), inArray(reconLines.dedupeKey, input.lines.map((l) => l.dedupeKey))))).map((r) => r.k)
        : [],
    );
    const fresh = input.lines.filter((l, i, all) => !known.has(l.dedupeKey) && all.findIndex((o) => o.dedupeKey === l.dedupeKey) === i);
    const late = fresh.filter((l) => closed.has(todayInNairobi(l.occurredAt)));
    if (late.length && closed.has(today)) return { error: `Today (${today}) is already closed, so lines for closed days cannot be recorded as adjustments. Nothing was imported.` } as const;
    const rows = fresh.map((l) => {
      const natural = todayInNairobi(l.occurredAt);
      const adjustment = closed.has(natural);
      return { ...l, importId: imp.id, channel: input.channel, source: input.source, day: adjustment ? today : natural, adjustmentOf: adjustment ? natural : null };
    });
    for (let i = 0; i < rows.length; i += 500) await tx.insert(reconLines).values(rows.slice(i, i + 500)).onConflictDoNothing();
    if (!existing || rows.length) {
      await tx.update(reconImports).set({ newLines: (existing?.newLines ?? 0) + rows.length }).where(eq(reconImports.id, imp.id));
    }
    const days = [...new Set([...naturalDays.filter((d) => !closed.has(d)), ...rows.map((r) => r.day)])].sort();
    if (days.length) await tx.insert(reconDays).values(days.map((day) => ({ day, channel: input.channel }))).onConflictDoNothing();
    return { importId: imp.id, duplicateFile: !!existing, newLines: rows.length, adjustments: late.length, days } as const;
  });
  if ('error' in stored) return { ok: false, error: stored.error! };
  const results: DayResult[] = [];
  for (const day of stored.days) results.push(await reconcileDay(db, day, input.channel));
  return { ok: true, ...stored, lines: input.lines.length, results };
}
