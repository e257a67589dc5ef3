// Upload the statement the M-Pesa organisation portal exports (CSV). In the sandbox: download the
// statement the emulator would give for a day, and inject breaks into it to rehearse the close.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ActionForm } from '@/components/staff/action-form';
import { ActionResults } from '@/components/staff/action-results';
import { canDo } from '@/lib/auth/roles';
import { darajaSandboxEnabled } from '@/lib/env';
import { todayInNairobi } from '@/lib/nairobi-time';
import { STATEMENT_COLUMNS } from '@/lib/reconciliation/mpesa-statement';
import { INJECTION_KINDS } from '@/lib/sandbox/reconciliation';
import { requireStaff } from '@/lib/staff/session';
import { injectBreakAction, uploadStatementAction } from '../actions';

export const metadata: Metadata = { title: 'Upload a statement · Reconciliation' };
export const dynamic = 'force-dynamic';

export default async function UploadStatementPage() {
  const viewer = await requireStaff('/staff/reconciliation/upload', 'recon.view');
  if (!canDo(viewer, 'recon.upload')) notFound();
  const sandbox = darajaSandboxEnabled() && canDo(viewer, 'sandbox.tools');
  const today = todayInNairobi();
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link href="/staff/reconciliation" className="font-semibold text-brand-700 hover:underline">← Reconciliation</Link></p>
      <h1 className="text-2xl font-bold">Upload the M-Pesa statement</h1>
      <ActionResults className="space-y-4">
        <section className="card space-y-3">
          <p className="text-sm text-slate-600">
            In the M-Pesa organisation portal, open the shortcode&apos;s statement, choose the day(s), and export it as CSV. Uploading the same
            lines again changes nothing. Lines of a day that is already closed are recorded as adjustments on today.
          </p>
          <ActionForm action={uploadStatementAction} submitLabel="Upload and match" pendingLabel="Matching every line…" testId="statement-upload">
            <div>
              <label htmlFor="statement-file" className="label">Statement file (CSV)</label>
              <input id="statement-file" name="file" type="file" accept=".csv,text/csv" required className="field" />
            </div>
          </ActionForm>
          <details className="text-sm">
            <summary className="cursor-pointer font-semibold">Columns we read</summary>
            <ul className="mt-2 list-disc pl-5 text-slate-700">
              {Object.entries(STATEMENT_COLUMNS).map(([field, names]) => (
                <li key={field}>{names.join(' / ')}</li>
              ))}
            </ul>
          </details>
        </section>
        {sandbox && (
          <section className="card space-y-3" aria-labelledby="sandbox-title" data-testid="sandbox-statements">
            <h2 id="sandbox-title" className="font-semibold">Sandbox: statements and breaks</h2>
            <form method="get" action="/api/sandbox/statements/mpesa" className="flex flex-wrap items-end gap-2">
              <div>
                <label htmlFor="sbx-statement-day" className="label">Day</label>
                <input id="sbx-statement-day" name="day" type="date" defaultValue={today} className="field" />
              </div>
              <button type="submit" className="btn-secondary">Download the sandbox M-Pesa statement</button>
            </form>
            <ActionForm action={injectBreakAction} submitLabel="Inject the break" pendingLabel="Injecting…" tone="secondary" testId="inject-break">
              <div className="grid gap-2 sm:grid-cols-2">
                <div>
                  <label htmlFor="inj-channel" className="label">Statement</label>
                  <select id="inj-channel" name="channel" className="field" defaultValue="mpesa">
                    <option value="mpesa">M-Pesa statement</option>
                    <option value="card">Paystack settlement</option>
                  </select>
                </div>
                <div>
                  <label htmlFor="inj-day" className="label">Day</label>
                  <input id="inj-day" name="day" type="date" defaultValue={today} className="field" />
                </div>
                <div className="sm:col-span-2">
                  <label htmlFor="inj-kind" className="label">Break</label>
                  <select id="inj-kind" name="kind" className="field" defaultValue="uncredited">
                    {Object.entries(INJECTION_KINDS).map(([k, label]) => (
                      <option key={k} value={k}>{label}</option>
                    ))}
                  </select>
                </div>
                <div>
                  <label htmlFor="inj-amount" className="label">Amount (KES)</label>
                  <input id="inj-amount" name="amount" inputMode="decimal" className="field" placeholder="1500" autoComplete="off" />
                </div>
                <div>
                  <label htmlFor="inj-reference" className="label">Receipt or reference (blank: the day&apos;s latest)</label>
                  <input id="inj-reference" name="reference" className="field font-mono uppercase" autoComplete="off" />
                </div>
              </div>
            </ActionForm>
          </section>
        )}
      </ActionResults>
    </div>
  );
}
