// The book import's life: upload -> preview (nothing written) -> confirm -> a job that writes
// holder batches in transactions, recording after each commit how far it got, so a restart
// resumes at the next batch and a failure never leaves half a policy behind.
import crypto from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Queryable } from '@/db/client';
import { bookImports, jobs, users, type BookImport, type Job } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { enqueueJob } from '@/lib/jobs/queue';
import { wakeWorkers, type JobResult } from '@/lib/jobs/worker';
import { isUuid } from '@/lib/uuid';
import type { Viewer } from '@/lib/viewer';
import { API_IMPORT_PREFIX } from '@/lib/integration/scopes';
import { canManageBook, NOT_ALLOWED } from './access';
import { addTally, emptyTally, processBatch, type Tally } from './apply';
import { batchesOf, groupBook, type GroupedBook, type SharedPhone } from './group';
import { decodeBookFile, parseBook } from './parse';
import type { Rejection } from './row';

export const BOOK_IMPORT_JOB = 'book.import';
/** Policies per transaction: big enough for bulk inserts, small enough to keep locks short. */
export const POLICIES_PER_BATCH = 500;
/** MALIPO_IMPORT_BATCH_PAUSE_MS: milliseconds to wait between batches (default 0, at most 5000). */
function batchPauseMs(env: NodeJS.ProcessEnv = process.env) {
  const n = Number(env.MALIPO_IMPORT_BATCH_PAUSE_MS);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 5000) : 0;
}
/** MALIPO_IMPORT_BATCH_POLICIES overrides it (10 to 5000), e.g. smaller for a slow embedded database. */
export function policiesPerBatch(env: NodeJS.ProcessEnv = process.env) {
  const n = Number(env.MALIPO_IMPORT_BATCH_POLICIES);
  return Number.isInteger(n) && n >= 10 && n <= 5000 ? n : POLICIES_PER_BATCH;
}
/** A job run stops after this long and requeues itself (other jobs get a turn); its lease is extended per batch. */
const RUN_SLICE_MS = 120_000;
/** Failed attempts in a row (the worker backs off between them) before the import is marked failed. */
const MAX_FAILURES = 5;

export type Preview = {
  rows: number;
  policiesInFile: number;
  counts: Tally;
  rejected: Rejection[];
  sharedPhones: (SharedPhone & { existingAccounts: number })[];
};

export type UploadResult = { ok: true; importId: string } | { ok: false; code: 'forbidden' | 'invalid'; error: string };

async function readBook(content: string): Promise<{ ok: true; book: GroupedBook } | { ok: false; error: string }> {
  const parsed = await parseBook(content);
  if (!parsed.ok) return parsed;
  return { ok: true, book: groupBook(parsed.rows, parsed.rejected) };
}

/** Reads the file, checks every row and plans the import against the database; writes only the preview row. */
export async function uploadBook(db: Db, viewer: Viewer, file: { name: string; bytes: Uint8Array }): Promise<UploadResult> {
  if (!canManageBook(viewer)) return NOT_ALLOWED;
  const decoded = decodeBookFile(file.bytes);
  if (!decoded.ok) return { ok: false, code: 'invalid', error: decoded.error };
  const read = await readBook(decoded.text);
  if (!read.ok) return { ok: false, code: 'invalid', error: read.error };
  const { book } = read;
  let counts = emptyTally();
  for (const batch of batchesOf(book.groups, 2000)) counts = addTally(counts, await processBatch(db, batch, { write: false }));
  const preview: Preview = {
    rows: book.rows,
    policiesInFile: book.groups.reduce((s, g) => s + g.policies.length, 0),
    counts,
    rejected: [...book.rejected, ...counts.refused].sort((a, b) => a.line - b.line),
    sharedPhones: await withExistingAccounts(db, book),
  };
  counts.refused = [];
  const [row] = await db
    .insert(bookImports)
    .values({
      fileName: file.name.slice(0, 200) || 'book.csv',
      fileSha256: crypto.createHash('sha256').update(file.bytes).digest('hex'),
      content: decoded.text,
      preview,
      uploadedBy: viewer.userId,
    })
    .returning({ id: bookImports.id });
  return { ok: true, importId: row.id };
}

/** Phones two client ids share, in the file or with accounts already in Malipo (flagged, never merged). */
async function withExistingAccounts(db: Queryable, book: GroupedBook): Promise<Preview['sharedPhones']> {
  const holders = book.groups.map((g) => g.holder);
  const byPhone = new Map<string, Set<string>>();
  for (const h of holders) byPhone.set(h.phone, (byPhone.get(h.phone) ?? new Set()).add(h.clientId));
  const others = new Map<string, number>();
  const phones = [...byPhone.keys()];
  for (let i = 0; i < phones.length; i += 1000) {
    const part = phones.slice(i, i + 1000);
    const rows = await db.select({ phone: users.phone, clientId: users.clientId }).from(users).where(inArray(users.phone, part));
    for (const r of rows) if (!r.clientId || !byPhone.get(r.phone!)!.has(r.clientId)) others.set(r.phone!, (others.get(r.phone!) ?? 0) + 1);
  }
  const fileShared = new Map(book.sharedPhones.map((s) => [s.phone, s.clientIds]));
  const flagged = new Set([...fileShared.keys(), ...others.keys()]);
  return [...flagged].sort().map((phone) => ({ phone, clientIds: fileShared.get(phone) ?? [...byPhone.get(phone)!], existingAccounts: others.get(phone) ?? 0 }));
}

export type ImportView = Omit<BookImport, 'content' | 'preview' | 'result'> & { preview: Preview; result: Tally | null };

export async function getImport(db: Queryable, viewer: Viewer, id: string): Promise<ImportView | null> {
  if (!canManageBook(viewer) || !isUuid(id)) return null;
  const [row] = await db.select().from(bookImports).where(eq(bookImports.id, id));
  if (!row) return null;
  const { content: _content, ...rest } = row;
  void _content;
  const result = row.result as Partial<Tally>;
  return { ...rest, preview: row.preview as Preview, result: result.holders ? (result as Tally) : null };
}

export async function listImports(db: Queryable, viewer: Viewer, limit = 20) {
  if (!canManageBook(viewer)) return [];
  return db
    .select({
      id: bookImports.id,
      fileName: bookImports.fileName,
      status: bookImports.status,
      createdAt: bookImports.createdAt,
      finishedAt: bookImports.finishedAt,
      batchesDone: bookImports.batchesDone,
      totalBatches: bookImports.totalBatches,
    })
    .from(bookImports)
    // One-policy writes of the integration API (lib/integration/policies.ts) are not file imports.
    .where(sql`${bookImports.fileName} not like ${`${API_IMPORT_PREFIX}%`}`)
    .orderBy(desc(bookImports.createdAt))
    .limit(limit);
}

export type ActionResult = { ok: true; message: string } | { ok: false; code: 'forbidden' | 'invalid' | 'not_found' | 'conflict'; error: string };

/** Staff confirm a preview: the import is queued as a job (one at a time). */
export async function confirmImport(db: Db, viewer: Viewer, id: string): Promise<ActionResult> {
  if (!canManageBook(viewer)) return NOT_ALLOWED;
  if (!isUuid(id)) return { ok: false, code: 'not_found', error: 'We could not find that import.' };
  try {
    const outcome = await db.transaction(async (tx): Promise<ActionResult> => {
      const [row] = await tx.select().from(bookImports).where(eq(bookImports.id, id)).for('update');
      if (!row) return { ok: false, code: 'not_found', error: 'We could not find that import.' };
      if (row.status !== 'previewed') return { ok: false, code: 'conflict', error: 'This import was already confirmed or discarded.' };
      // The job counts the batches when it first reads the file (not re-read here: it can be large).
      if ((row.preview as Preview).policiesInFile === 0)
        return { ok: false, code: 'invalid', error: 'No policy in this file can be imported. Fix the rejected rows and upload it again.' };
      await tx
        .update(bookImports)
        .set({ status: 'queued', confirmedBy: viewer.userId, confirmedAt: new Date(), batchPolicies: policiesPerBatch() })
        .where(eq(bookImports.id, id));
      await enqueueJob(tx, { kind: BOOK_IMPORT_JOB, key: `book-import:${id}`, payload: { importId: id } });
      await recordAudit(tx, { actorId: viewer.userId, action: 'book.import.confirm', targetType: 'book_import', targetId: id, detail: { fileName: row.fileName, fileSha256: row.fileSha256 } });
      return { ok: true, message: 'Import started. You can leave this page; it carries on.' };
    });
    if (outcome.ok) await wakeWorkers(db);
    return outcome;
  } catch (err) {
    if ((err as { code?: string }).code === '23505' || String((err as { cause?: { code?: string } }).cause?.code) === '23505')
      return { ok: false, code: 'conflict', error: 'Another import is still running. Wait for it to finish, then confirm this one.' };
    throw err;
  }
}

export async function discardImport(db: Db, viewer: Viewer, id: string): Promise<ActionResult> {
  if (!canManageBook(viewer)) return NOT_ALLOWED;
  if (!isUuid(id)) return { ok: false, code: 'not_found', error: 'We could not find that import.' };
  const rows = await db
    .update(bookImports)
    .set({ status: 'discarded', content: '' })
    .where(and(eq(bookImports.id, id), eq(bookImports.status, 'previewed')))
    .returning({ id: bookImports.id });
  return rows.length ? { ok: true, message: 'Discarded. Nothing was imported.' } : { ok: false, code: 'conflict', error: 'Only an import that was not confirmed can be discarded.' };
}

class BatchConflict extends Error {}

/** The job: runs batches for up to RUN_SLICE_MS, then requeues itself; the last batch finishes the import. */
export async function runImportJob(db: Db, job: Pick<Job, 'payload'> & { id?: number }, opts: { sliceMs?: number } = {}): Promise<JobResult> {
  const importId = String((job.payload as { importId?: string }).importId ?? '');
  const [imp] = await db.select().from(bookImports).where(eq(bookImports.id, importId));
  if (!imp || (imp.status !== 'queued' && imp.status !== 'running')) return { done: true, note: 'nothing to do' };
  try {
    const read = await readBook(imp.content);
    if (!read.ok) throw new Error(read.error);
    const batches = batchesOf(read.book.groups, imp.batchPolicies);
    if (imp.status === 'queued' || imp.totalBatches !== batches.length)
      await db.update(bookImports).set({ status: 'running', totalBatches: batches.length }).where(eq(bookImports.id, importId));
    const until = Date.now() + (opts.sliceMs ?? RUN_SLICE_MS);
    for (let k = imp.batchesDone; k < batches.length; k++) {
      await db.transaction(async (tx) => {
        // The import row's lock makes two runners of one import take turns; the batch counter
        // check makes a batch commit once.
        const [row] = await tx.select({ batchesDone: bookImports.batchesDone, result: bookImports.result }).from(bookImports).where(eq(bookImports.id, importId)).for('update');
        if (row.batchesDone !== k) throw new BatchConflict(`batch ${k} already done`);
        const tally = await processBatch(tx, batches[k], { write: true, importId });
        // Still ours: a long import keeps extending its job's lease rather than re-reading the file
        // in short slices.
        if (job.id !== undefined) await tx.update(jobs).set({ lockedUntil: sql`now() + interval '60 seconds'` }).where(eq(jobs.id, job.id));
        const prev = (row.result as Partial<Tally>).holders ? (row.result as Tally) : emptyTally();
        await tx.update(bookImports).set({ batchesDone: k + 1, result: addTally(prev, tally), lastError: null, failures: 0 }).where(eq(bookImports.id, importId));
      });
      // An optional breather between batches, so a long import leaves the database to interactive
      // requests (matters on the embedded PGlite, which runs one transaction at a time).
      const pause = batchPauseMs();
      if (pause && k + 1 < batches.length) await new Promise((r) => setTimeout(r, pause));
      if (k + 1 < batches.length && Date.now() > until) return { done: false, retryAt: new Date(), note: `batch ${k + 1} of ${batches.length}` };
    }
    await db.transaction(async (tx) => {
      const [row] = await tx.select().from(bookImports).where(eq(bookImports.id, importId)).for('update');
      if (row.status !== 'running') return;
      await tx.update(bookImports).set({ status: 'done', finishedAt: new Date() }).where(eq(bookImports.id, importId));
      const r = row.result as Tally;
      await recordAudit(tx, {
        actorId: row.confirmedBy ?? row.uploadedBy,
        action: 'book.import',
        targetType: 'book_import',
        targetId: importId,
        detail: {
          fileName: row.fileName,
          fileSha256: row.fileSha256,
          holders: r.holders,
          policies: r.policies,
          installments: r.installments,
          productsCreated: r.productsCreated,
          keptBecausePaid: r.kept.length,
          refusedRows: r.refused.length,
          rejectedRowsInPreview: (row.preview as Preview).rejected.length,
        },
      });
    });
    return { done: true };
  } catch (err) {
    if (err instanceof BatchConflict) return { done: false, retryAt: new Date(Date.now() + 1000), note: err.message };
    // Drizzle wraps the database's error (whose message is the useful part) around the whole query.
    const cause = (err as { cause?: unknown }).cause;
    const message = (cause instanceof Error ? cause.message : err instanceof Error ? err.message : String(err)).slice(0, 500);
    const [{ failures }] = await db
      .update(bookImports)
      .set({ failures: sql`${bookImports.failures} + 1`, lastError: message })
      .where(eq(bookImports.id, importId))
      .returning({ failures: bookImports.failures });
    if (failures >= MAX_FAILURES) {
      await db.transaction(async (tx) => {
        await tx.update(bookImports).set({ status: 'failed', lastError: message, finishedAt: new Date() }).where(eq(bookImports.id, importId));
        await recordAudit(tx, { actorId: imp.confirmedBy ?? imp.uploadedBy, action: 'book.import.fail', targetType: 'book_import', targetId: importId, detail: { fileSha256: imp.fileSha256, error: message } });
      });
      return { done: true, note: message };
    }
    throw err;
  }
}

/** Progress for the page's polling (small: no file, no row lists). */
export async function importProgress(db: Queryable, viewer: Viewer, id: string) {
  if (!canManageBook(viewer) || !isUuid(id)) return null;
  const [row] = await db
    .select({
      status: bookImports.status,
      batchesDone: bookImports.batchesDone,
      totalBatches: bookImports.totalBatches,
      lastError: bookImports.lastError,
      counts: sql<Tally | null>`case when ${bookImports.result} ? 'holders' then ${bookImports.result} - 'kept' - 'refused' else null end`,
    })
    .from(bookImports)
    .where(eq(bookImports.id, id));
  return row ?? null;
}
