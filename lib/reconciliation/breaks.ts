// Recording breaks: one per cause (dedupe key), on the line's or payment's reconciliation day.
import type { Tx } from '@/db/client';
import { reconBreaks, type BreakKind, type ReconChannel, type ReconLine } from '@/db/reconciliation-schema';

export async function recordBreak(
  tx: Tx,
  b: { kind: BreakKind; line?: ReconLine; paymentId?: string | null; channel?: ReconChannel; day?: string; statementMinor: number; creditedMinor: number; summary: string },
): Promise<void> {
  const channel = b.line?.channel ?? b.channel!;
  const day = b.line?.day ?? b.day!;
  const dedupeKey = b.line ? `${b.kind}:line:${b.line.id}` : `${b.kind}:payment:${b.paymentId}`;
  await tx
    .insert(reconBreaks)
    .values({
      dedupeKey,
      channel,
      day,
      adjustmentOf: b.line?.adjustmentOf ?? null,
      kind: b.kind,
      statementMinor: b.statementMinor,
      creditedMinor: b.creditedMinor,
      lineId: b.line?.id ?? null,
      paymentId: b.paymentId ?? b.line?.paymentId ?? null,
      summary: b.summary,
    })
    .onConflictDoNothing({ target: reconBreaks.dedupeKey });
}
