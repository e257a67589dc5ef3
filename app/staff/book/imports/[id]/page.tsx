import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { ImportProgress } from '@/components/book/import-progress';
import { ActionForm } from '@/components/staff/action-form';
import { canManageBook } from '@/lib/book/access';
import type { Tally } from '@/lib/book/apply';
import { getImport } from '@/lib/book/imports';
import { formatDateTime } from '@/lib/format';
import { maskMsisdn } from '@/lib/phone';
import { requireStaff } from '@/lib/staff/session';
import { confirmImportAction, discardImportAction } from '../../actions';

export const metadata: Metadata = { title: 'Book import · Staff' };
export const dynamic = 'force-dynamic';

/** Shown in full up to this many; the rest are counted (the file must be fixed anyway). */
const ROWS_SHOWN = 1000;

function CountsTable({ counts, future }: { counts: Tally; future: boolean }) {
  const rows: [string, { created: number; updated: number; unchanged: number; withdrawn?: number }][] = [
    ['Holders', counts.holders],
    ['Policies', counts.policies],
    ['Installments', counts.installments],
  ];
  return (
    <table className="w-full text-sm tabular-nums" data-testid="import-counts">
      <thead>
        <tr className="text-left text-xs text-slate-500">
          <th className="py-1 font-medium" />
          <th className="py-1 text-right font-medium">{future ? 'To create' : 'Created'}</th>
          <th className="py-1 text-right font-medium">{future ? 'To update' : 'Updated'}</th>
          <th className="py-1 text-right font-medium">Unchanged</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, c]) => (
          <tr key={label} className="border-t border-slate-100" data-testid={`count-${label.toLowerCase()}`}>
            <th className="py-1.5 text-left font-semibold">{label}</th>
            <td className="py-1.5 text-right">{c.created.toLocaleString('en-KE')}</td>
            <td className="py-1.5 text-right">
              {(c.updated + (c.withdrawn ?? 0)).toLocaleString('en-KE')}
              {c.withdrawn ? <span className="block text-xs text-slate-500">{c.withdrawn} withdrawn</span> : null}
            </td>
            <td className="py-1.5 text-right">{c.unchanged.toLocaleString('en-KE')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default async function ImportPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await requireStaff(`/staff/book/imports/${id}`);
  if (!canManageBook(viewer)) notFound();
  const imp = await getImport(await getDb(), viewer, id);
  if (!imp) notFound();
  const { preview } = imp;
  const result = imp.result;
  const kept = result?.kept ?? preview.counts.kept;
  return (
    <div className="space-y-4">
      <div>
        <Link href="/staff/book" className="text-sm font-semibold text-brand-700">← Load the book</Link>
        <h1 className="mt-1 break-all text-2xl font-bold">{imp.fileName}</h1>
        <p className="text-sm text-slate-600">
          Uploaded {formatDateTime(imp.createdAt)} · {preview.rows.toLocaleString('en-KE')} rows · {preview.policiesInFile.toLocaleString('en-KE')} policies ready ·{' '}
          <span className="font-mono text-xs" title="SHA-256 of the file">{imp.fileSha256.slice(0, 12)}</span>
        </p>
      </div>

      {imp.status === 'previewed' && (
        <section className="card space-y-3" aria-label="Preview">
          <h2 className="text-lg font-semibold">Preview: nothing is written yet</h2>
          <CountsTable counts={preview.counts} future />
          {preview.counts.productsCreated.length > 0 && (
            <p className="text-sm">New products: {preview.counts.productsCreated.join(', ')} (check their class and grace period after the import).</p>
          )}
          <p className="text-sm text-slate-600">
            {preview.rejected.length
              ? `${preview.rejected.length.toLocaleString('en-KE')} rows are rejected (listed below) and will not be imported; every other policy will be.`
              : 'Every row is valid.'}
          </p>
          <div className="flex flex-col gap-2 sm:flex-row">
            <ActionForm action={confirmImportAction} submitLabel="Confirm and import" pendingLabel="Starting…" testId="confirm-import">
              <input type="hidden" name="importId" value={imp.id} />
            </ActionForm>
            <ActionForm action={discardImportAction} submitLabel="Discard" pendingLabel="Discarding…" tone="secondary">
              <input type="hidden" name="importId" value={imp.id} />
            </ActionForm>
          </div>
        </section>
      )}

      {(imp.status === 'queued' || imp.status === 'running') && (
        <section className="card space-y-3" aria-label="Progress">
          <h2 className="text-lg font-semibold">Importing</h2>
          <ImportProgress importId={imp.id} initial={{ status: imp.status, batchesDone: imp.batchesDone, totalBatches: imp.totalBatches, lastError: imp.lastError }} />
          <p className="text-sm text-slate-600">Each batch of policies is written whole. You can leave this page; the import carries on, even across a restart.</p>
        </section>
      )}

      {(imp.status === 'done' || imp.status === 'failed') && (
        <section className="card space-y-3" aria-label="Result" data-testid="import-result">
          <h2 className="text-lg font-semibold">{imp.status === 'done' ? 'Imported' : 'The import stopped'}</h2>
          {imp.status === 'failed' && (
            <p className="text-sm text-red-700">
              {imp.batchesDone} of {imp.totalBatches} batches were written (each whole); the rest were not. Last error: {imp.lastError}
            </p>
          )}
          {result && <CountsTable counts={result} future={false} />}
          {imp.finishedAt && <p className="text-sm text-slate-600">Finished {formatDateTime(imp.finishedAt)}.</p>}
          <p className="text-sm">
            <Link href="/staff/holders" className="font-semibold text-brand-700 hover:underline">Find a holder →</Link>
          </p>
        </section>
      )}

      {imp.status === 'discarded' && <p className="card text-sm text-slate-600">This file was discarded. Nothing was imported.</p>}

      {kept.length > 0 && (
        <section className="card space-y-2" aria-label="Paid installments kept">
          <h2 className="text-lg font-semibold">Paid installments {imp.status === 'done' ? 'kept' : 'that will be kept'} ({kept.length})</h2>
          <p className="text-sm text-slate-600">Money was already received against these, so the file cannot change them.</p>
          <ul className="divide-y divide-slate-100 text-sm">
            {kept.slice(0, ROWS_SHOWN).map((k) => (
              <li key={`${k.policyNumber}-${k.dueDate}`} className="py-2">
                <span className="font-semibold">{k.policyNumber}</span> due {k.dueDate}
                {k.line ? ` (line ${k.line})` : ''}: {k.reason}
              </li>
            ))}
          </ul>
        </section>
      )}

      {preview.sharedPhones.length > 0 && (
        <section className="card space-y-2" aria-label="Shared phone numbers">
          <h2 className="text-lg font-semibold">Phone numbers shared by different clients ({preview.sharedPhones.length})</h2>
          <p className="text-sm text-slate-600">
            Families share phones and numbers are recycled, so these stay separate holders: each sees only their own policies.
          </p>
          <ul className="text-sm" data-testid="shared-phones">
            {preview.sharedPhones.slice(0, ROWS_SHOWN).map((s) => (
              <li key={s.phone}>
                {maskMsisdn(s.phone)}: clients {s.clientIds.join(', ')}
                {s.existingAccounts ? ` and ${s.existingAccounts} other account(s) already in Malipo` : ''}
              </li>
            ))}
          </ul>
        </section>
      )}

      {preview.rejected.length > 0 && (
        <section className="card space-y-2 p-0" aria-label="Rejected rows">
          <h2 className="px-4 pt-4 text-lg font-semibold">Rejected rows ({preview.rejected.length.toLocaleString('en-KE')})</h2>
          <p className="px-4 text-sm text-slate-600">
            Fix these in the core system or the file and upload it again; a fixed file imports only what is new or changed.{' '}
            <a href={`/api/v1/staff/book/imports/${imp.id}/rejected`} className="font-semibold text-brand-700 hover:underline" download>
              Download every rejected row (CSV)
            </a>
          </p>
          <ol className="divide-y divide-slate-100 text-sm" data-testid="rejected-rows">
            {preview.rejected.slice(0, ROWS_SHOWN).map((r, i) => (
              <li key={`${r.line}-${r.column}-${i}`} className="grid gap-1 px-4 py-2 sm:grid-cols-[5rem_10rem_1fr]" data-testid="rejected-row">
                <span className="font-semibold tabular-nums">Line {r.line}</span>
                <span className="font-mono text-xs text-slate-600">{r.column ?? 'whole row'}</span>
                <span>{r.reason}</span>
              </li>
            ))}
          </ol>
          {preview.rejected.length > ROWS_SHOWN && (
            <p className="px-4 pb-4 text-sm text-slate-600">…and {(preview.rejected.length - ROWS_SHOWN).toLocaleString('en-KE')} more.</p>
          )}
        </section>
      )}
    </div>
  );
}
