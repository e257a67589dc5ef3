// Data functions that other engineers are still writing (lib/history, lib/staff). They are loaded
// by file path at run time, so this benchmark type-checks and runs whether or not they exist, and
// picks them up as soon as they land:
//  - lib/history/list.ts: listHistory(db, viewer, filters, opts?) and historySummary(db, viewer, filters).
//  - lib/staff/**: no agreed signature yet. Exported functions named like a search (search/find/
//    lookup) or an overview (overview/figures/stats/kpi/dashboard/totals) are tried with a few
//    plausible argument shapes; a search counts only if its answer contains the value searched
//    for, so a wrong guess is never reported as the app's search. Functions whose names suggest a
//    write are never called. What was used is printed in the report.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Db } from '@/db/client';
import type { Viewer } from '@/lib/viewer';

type Filters = Record<string, unknown>;
export type HistoryModule = {
  listHistory: (db: Db, viewer: Viewer, filters: Filters, opts?: { limit?: number }) => Promise<{ rows: unknown[]; nextCursor: unknown }>;
  historySummary?: (db: Db, viewer: Viewer, filters: Filters) => Promise<unknown>;
};

type AnyFn = (...args: unknown[]) => Promise<unknown>;
type Candidate = { label: string; fn: AnyFn };
export type StaffCall = { label: string; run: (db: Db, viewer: Viewer, value: string) => Promise<unknown> };
export type StaffModule = {
  searchByPhone?: StaffCall;
  searchByReceipt?: StaffCall;
  overview?: { label: string; run: (db: Db, viewer: Viewer) => Promise<unknown> };
};
export type StaffCandidates = { search: Candidate[]; overview: Candidate[] };

const WRITES = /create|update|delete|remove|approve|reject|record|insert|set|send|mark|flag|refund|refresh|decide|save/i;
const SEARCH = /search|find|lookup/i;
const OVERVIEW = /overview|figures|stats|kpi|dashboard|totals/i;

async function importFile(file: string): Promise<Record<string, unknown>> {
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

export async function loadHistoryModule(root: string, notes: string[]): Promise<HistoryModule | null> {
  const file = path.join(root, 'lib', 'history', 'list.ts');
  if (!fs.existsSync(file)) return null;
  try {
    const mod = await importFile(file);
    if (typeof mod.listHistory !== 'function') {
      notes.push('lib/history/list.ts has no listHistory export; history cases skipped.');
      return null;
    }
    return {
      listHistory: mod.listHistory as HistoryModule['listHistory'],
      historySummary: typeof mod.historySummary === 'function' ? (mod.historySummary as HistoryModule['historySummary']) : undefined,
    };
  } catch (err) {
    notes.push(`lib/history/list.ts failed to load (${err instanceof Error ? err.message : String(err)}); history cases skipped.`);
    return null;
  }
}

function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return /\.tsx?$/.test(e.name) && !/\.(test|spec)\.tsx?$/.test(e.name) ? [p] : [];
  });
}

export async function findStaffCandidates(root: string, notes: string[]): Promise<StaffCandidates | null> {
  const dir = path.join(root, 'lib', 'staff');
  const files = tsFiles(dir);
  if (!files.length) return null;
  const out: StaffCandidates = { search: [], overview: [] };
  for (const file of files) {
    try {
      const mod = await importFile(file);
      for (const [name, value] of Object.entries(mod)) {
        if (typeof value !== 'function' || WRITES.test(name)) continue;
        const label = `${name} (${path.relative(root, file)})`;
        if (SEARCH.test(name)) out.search.push({ label, fn: value as AnyFn });
        else if (OVERVIEW.test(name)) out.overview.push({ label, fn: value as AnyFn });
      }
    } catch (err) {
      notes.push(`${path.relative(root, file)} failed to load outside Next (${err instanceof Error ? err.message : String(err)}).`);
    }
  }
  notes.push(
    `lib/staff candidates — search: ${out.search.map((c) => c.label).join(', ') || 'none'}; overview: ${out.overview.map((c) => c.label).join(', ') || 'none'}.`,
  );
  return out;
}

const SEARCH_SHAPES: { label: string; args: (db: Db, v: Viewer, q: string) => unknown[] }[] = [
  { label: '(db, viewer, q)', args: (db, v, q) => [db, v, q] },
  { label: '(db, viewer, { q })', args: (db, v, q) => [db, v, { q }] },
  { label: '(db, { q })', args: (db, _v, q) => [db, { q }] },
  { label: '(db, q)', args: (db, _v, q) => [db, q] },
];

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? '';

/** Finds a candidate and call shape whose answer for `probe` contains `probe`. */
async function resolveSearch(db: Db, viewer: Viewer, candidates: Candidate[], probe: string): Promise<StaffCall | undefined> {
  for (const c of candidates) {
    for (const shape of SEARCH_SHAPES) {
      try {
        const out = await c.fn(...shape.args(db, viewer, probe));
        if (json(out).includes(probe)) {
          return { label: `${c.label} called as ${shape.label}`, run: (d, v, q) => c.fn(...shape.args(d, v, q)) };
        }
      } catch {
        // wrong shape: try the next
      }
    }
  }
  return undefined;
}

export async function resolveStaffModule(
  db: Db,
  viewer: Viewer,
  candidates: StaffCandidates | null,
  probes: { phone: string; receipt: string },
  notes: string[],
): Promise<StaffModule | null> {
  if (!candidates) return null;
  const staff: StaffModule = {
    searchByPhone: await resolveSearch(db, viewer, candidates.search, probes.phone),
    searchByReceipt: await resolveSearch(db, viewer, candidates.search, probes.receipt),
  };
  for (const c of candidates.overview) {
    for (const args of [[db, viewer], [db]] as unknown[][]) {
      try {
        const out = await c.fn(...args);
        if (out && typeof out === 'object') {
          staff.overview = { label: `${c.label} called as (${args.length === 2 ? 'db, viewer' : 'db'})`, run: (d, v) => c.fn(...(args.length === 2 ? [d, v] : [d])) };
          break;
        }
      } catch {
        // try the next shape
      }
    }
    if (staff.overview) break;
  }
  if (candidates.search.length && !staff.searchByPhone) notes.push('No lib/staff search answered a phone search with matching rows; used the equivalent query.');
  if (candidates.search.length && !staff.searchByReceipt) notes.push('No lib/staff search answered a receipt search with matching rows; used the equivalent query.');
  return staff;
}
