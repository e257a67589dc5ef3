// The book import at the size the issue names: 100,000 installment rows (10,000 policies of 10
// installments, about 9,100 holders, some with two policies) through the app's own functions:
// upload + preview, confirm, then the import job run to the end as the worker would run it.
// Then the same file again (must change nothing). Target: upload to imported under 60 s.
import { performance } from 'node:perf_hooks';
import { confirmImport, runImportJob, uploadBook } from '@/lib/book/imports';
import { COLUMNS } from '@/lib/book/columns';
import type { BenchConfig } from './config';
import type { BenchDatabase } from './database';

export type ImportResults = {
  rows: number;
  policies: number;
  holders: number;
  fileMb: number;
  previewSeconds: number;
  importSeconds: number;
  totalSeconds: number;
  reimportSeconds: number;
  reimportUnchanged: boolean;
  rowsInDb: { policies: number; installments: number; ledgerLines: number };
  targetSeconds: number;
};

export const IMPORT_TARGET_SECONDS = 60;

/** A synthetic book: deterministic, valid, in the template's column order. */
export function syntheticBook(rows: number): { csv: string; policies: number; holders: number } {
  const perPolicy = 10;
  const policies = Math.max(1, Math.floor(rows / perPolicy));
  const head = COLUMNS.map((c) => c.key).join(',');
  const out: string[] = [head];
  const holders = new Set<string>();
  for (let p = 0; p < policies; p++) {
    // Every eleventh policy belongs to the previous policy's holder (two policies, one client).
    const h = p % 11 === 10 ? p - 1 : p;
    const client = `BK-${String(h).padStart(6, '0')}`;
    holders.add(client);
    const phone = `07${String(10_000_000 + h).padStart(8, '0')}`;
    const life = p % 3 === 0;
    const product = life ? 'Bench Life Plan' : 'Bench Motor Private';
    const amount = `${(1000 + (p % 97) * 25).toLocaleString('en-US')}.50`;
    for (let i = 0; i < perPolicy; i++) {
      const due = `2026-${String(1 + i).padStart(2, '0')}-15`;
      out.push(
        [client, `Holder ${h}`, phone, `bk${h}@example.com`, '', `BK/${String(p).padStart(6, '0')}`, product, life ? 'life' : 'general', 'active', '2026-01-01', '2026-12-31', due, `"${amount}"`, p % 5 === 0 ? 'AG-1' : '', p % 5 === 0 ? '10' : ''].join(','),
      );
    }
  }
  return { csv: out.join('\r\n') + '\r\n', policies, holders: holders.size };
}

export async function runImportBench(cfg: BenchConfig, bench: BenchDatabase, log: (s: string) => void): Promise<ImportResults> {
  const rows = Number(process.env.BENCH_IMPORT_ROWS) > 0 ? Number(process.env.BENCH_IMPORT_ROWS) : 100_000;
  const book = syntheticBook(rows);
  const bytes = new TextEncoder().encode(book.csv);
  const [staff] = await bench.sql<{ id: string }[]>`insert into users (email, name, role, password_hash) values ('bench-staff@malipo.test', 'Bench Staff', 'finance', 'x') returning id`;
  const viewer = { userId: staff.id, role: 'finance' as const };
  const db = bench.db;

  const importOnce = async (label: string) => {
    const t0 = performance.now();
    const up = await uploadBook(db, viewer, { name: `${label}.csv`, bytes });
    if (!up.ok) throw new Error(up.error);
    const t1 = performance.now();
    const c = await confirmImport(db, viewer, up.importId);
    if (!c.ok) throw new Error(c.error);
    // The worker's loop: each run writes batches for a time slice, then requeues itself.
    for (let attempt = 1; ; attempt++) {
      const r = await runImportJob(db, { payload: { importId: up.importId } });
      if (r.done) break;
      if (attempt > 1000) throw new Error('import did not finish');
    }
    const t2 = performance.now();
    await bench.sql`delete from jobs where kind = 'book.import'`;
    const [imp] = await bench.sql<{ status: string; result: { installments: { created: number; updated: number; unchanged: number; withdrawn: number } } }[]>`
      select status, result from book_imports where id = ${up.importId}`;
    if (imp.status !== 'done') throw new Error(`import ended ${imp.status}`);
    return { preview: (t1 - t0) / 1000, job: (t2 - t1) / 1000, result: imp.result };
  };

  log(`[bench] import: ${rows.toLocaleString('en-KE')} rows, ${book.policies} policies, ${book.holders} holders, ${(bytes.byteLength / 1e6).toFixed(1)} MB`);
  const first = await importOnce('book');
  log(`[bench] import: preview ${first.preview.toFixed(1)} s, import ${first.job.toFixed(1)} s`);
  const [counts] = await bench.sql<{ p: string; i: string; l: string }[]>`
    select (select count(*) from policies where number like 'BK/%') as p,
           (select count(*) from installments i join policies p on p.id = i.policy_id where p.number like 'BK/%') as i,
           (select count(*) from ledger_entries where book_import_id is not null) as l`;
  const again = await importOnce('book-again');
  const ins = again.result.installments;
  return {
    rows,
    policies: book.policies,
    holders: book.holders,
    fileMb: bytes.byteLength / 1e6,
    previewSeconds: first.preview,
    importSeconds: first.job,
    totalSeconds: first.preview + first.job,
    reimportSeconds: again.preview + again.job,
    reimportUnchanged: ins.created === 0 && ins.updated === 0 && ins.withdrawn === 0 && ins.unchanged === rows,
    rowsInDb: { policies: Number(counts.p), installments: Number(counts.i), ledgerLines: Number(counts.l) },
    targetSeconds: IMPORT_TARGET_SECONDS,
  };
}
