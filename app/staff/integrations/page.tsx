// The insurer's systems, administrators only: API keys (shown once, scoped, revocable) and
// outbound webhook endpoints with their delivery log.
import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { ActionForm } from '@/components/staff/action-form';
import { ActionResults } from '@/components/staff/action-results';
import { SecretOnceForm } from '@/components/staff/secret-once-form';
import { formatDateTime } from '@/lib/format';
import { deliveryLog, listEndpoints } from '@/lib/integration/endpoints';
import { listApiKeys } from '@/lib/integration/keys';
import { API_SCOPES, SCOPE_LABELS, WEBHOOK_EVENTS } from '@/lib/integration/scopes';
import { requireStaff } from '@/lib/staff/session';
import { createEndpointAction, createKeyAction, resendAction, revokeKeyAction, rotateSecretAction, setEnabledAction } from './actions';

export const metadata: Metadata = { title: 'Integrations · Staff' };
export const dynamic = 'force-dynamic';

const EVENT_LABELS: Record<(typeof WEBHOOK_EVENTS)[number], string> = {
  'payment.completed': 'A payment completed (money received)',
  'payment.failed': 'A payment failed, was cancelled or expired',
  'payment.review': 'A payment is held for staff review',
  'refund.processed': 'A refund was paid out',
  'policy.updated': 'A policy was created or changed (API or book import)',
};

const DELIVERY_CLASS: Record<string, string> = {
  succeeded: 'bg-brand-100 text-brand-800',
  pending: 'bg-amber-100 text-amber-900',
  failed: 'bg-red-100 text-red-800',
  skipped: 'bg-slate-200 text-slate-700',
};

export default async function IntegrationsPage() {
  const viewer = await requireStaff('/staff/integrations', 'integrations.manage');
  const db = await getDb();
  const [keys, endpoints] = await Promise.all([listApiKeys(db, viewer), listEndpoints(db, viewer)]);
  const logs = new Map(await Promise.all(endpoints.map(async (e) => [e.id, await deliveryLog(db, viewer, e.id, 10)] as const)));
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Integrations</h1>
      <p className="text-sm text-slate-600">
        The insurer&apos;s core system keeps the book in step through the API and hears about payments through webhooks.
        The API is described at{' '}
        <a href="/api/v1/openapi.json" className="font-semibold text-brand-700 underline">
          /api/v1/openapi.json
        </a>
        .
      </p>
      <ActionResults className="space-y-6">
        <section className="space-y-3" aria-labelledby="keys-title">
          <h2 id="keys-title" className="text-lg font-semibold">API keys</h2>
          <div className="grid items-start gap-4 lg:grid-cols-3">
            <div className="card space-y-3 lg:col-span-1">
              <h3 className="font-semibold">Create a key</h3>
              <p className="text-sm text-slate-600">The key is shown once. Malipo keeps only a fingerprint of it, so a lost key is revoked and replaced.</p>
              <SecretOnceForm action={createKeyAction} submitLabel="Create key" pendingLabel="Creating…" secretLabel="API key (shown once):" testId="create-key">
                <div>
                  <label htmlFor="key-name" className="label">Name</label>
                  <input id="key-name" name="name" required minLength={2} maxLength={80} className="field" autoComplete="off" placeholder="Core system (production)" />
                </div>
                <fieldset className="space-y-2">
                  <legend className="label">Permissions</legend>
                  {API_SCOPES.map((s) => (
                    <label key={s} className="flex min-h-11 items-start gap-2 text-sm">
                      <input type="checkbox" name="scopes" value={s} className="mt-1 h-5 w-5 shrink-0" />
                      <span>
                        <code className="font-mono text-xs">{s}</code>
                        <span className="block text-slate-600">{SCOPE_LABELS[s]}</span>
                      </span>
                    </label>
                  ))}
                </fieldset>
              </SecretOnceForm>
            </div>
            <ul className="space-y-3 lg:col-span-2" data-testid="key-list" aria-label="API keys">
              {keys.length === 0 && <li className="card text-sm text-slate-600">No keys yet.</li>}
              {keys.map((k) => (
                <li key={k.id} className={`card space-y-2 ${k.revokedAt ? 'opacity-70' : ''}`} data-testid="api-key" data-name={k.name}>
                  <div className="flex flex-wrap items-start justify-between gap-2">
                    <div className="min-w-0">
                      <p className="font-semibold">{k.name}</p>
                      <p className="break-all font-mono text-xs text-slate-600">{k.prefix}…</p>
                    </div>
                    <span className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${k.revokedAt ? 'bg-slate-200 text-slate-700' : 'bg-brand-100 text-brand-800'}`}>
                      {k.revokedAt ? 'Revoked' : 'Active'}
                    </span>
                  </div>
                  <p className="text-xs text-slate-600">{k.scopes.join(', ')}</p>
                  <p className="text-xs text-slate-600" data-testid="key-last-used">
                    Created {formatDateTime(k.createdAt)} by {k.createdByName} ·{' '}
                    {k.revokedAt ? `revoked ${formatDateTime(k.revokedAt)}` : k.lastUsedAt ? `last used ${formatDateTime(k.lastUsedAt)}` : 'never used'}
                  </p>
                  {!k.revokedAt && (
                    <ActionForm action={revokeKeyAction} submitLabel="Revoke" pendingLabel="Revoking…" tone="danger" testId="revoke-key">
                      <input type="hidden" name="keyId" value={k.id} />
                    </ActionForm>
                  )}
                </li>
              ))}
            </ul>
          </div>
        </section>

        <section className="space-y-3" aria-labelledby="hooks-title">
          <h2 id="hooks-title" className="text-lg font-semibold">Webhook endpoints</h2>
          <div className="grid items-start gap-4 lg:grid-cols-3">
            <div className="card space-y-3 lg:col-span-1">
              <h3 className="font-semibold">Add an endpoint</h3>
              <p className="text-sm text-slate-600">
                Events are POSTed as JSON with a <code className="font-mono text-xs">Malipo-Signature</code> header. Anything but a 2xx answer within 10 seconds is retried for up to 3 days.
              </p>
              <SecretOnceForm action={createEndpointAction} submitLabel="Add endpoint" pendingLabel="Adding…" secretLabel="Signing secret (shown once):" testId="create-endpoint">
                <div>
                  <label htmlFor="hook-url" className="label">URL (https)</label>
                  <input id="hook-url" name="url" type="url" required maxLength={2000} className="field" autoComplete="off" placeholder="https://core.example.co.ke/malipo/webhooks" />
                </div>
                <div>
                  <label htmlFor="hook-description" className="label">Description (optional)</label>
                  <input id="hook-description" name="description" maxLength={200} className="field" autoComplete="off" />
                </div>
                <fieldset className="space-y-2">
                  <legend className="label">Events</legend>
                  {WEBHOOK_EVENTS.map((e) => (
                    <label key={e} className="flex min-h-11 items-start gap-2 text-sm">
                      <input type="checkbox" name="events" value={e} className="mt-1 h-5 w-5 shrink-0" />
                      <span>
                        <code className="font-mono text-xs">{e}</code>
                        <span className="block text-slate-600">{EVENT_LABELS[e]}</span>
                      </span>
                    </label>
                  ))}
                </fieldset>
              </SecretOnceForm>
            </div>
            <ul className="space-y-3 lg:col-span-2" data-testid="endpoint-list" aria-label="Webhook endpoints">
              {endpoints.length === 0 && <li className="card text-sm text-slate-600">No endpoints yet.</li>}
              {endpoints.map((e) => {
                const log = logs.get(e.id) ?? [];
                return (
                  <li key={e.id} className="card space-y-3" data-testid="endpoint" data-url={e.url}>
                    <div className="flex flex-wrap items-start justify-between gap-2">
                      <div className="min-w-0">
                        <p className="break-all font-mono text-sm font-semibold">{e.url}</p>
                        {e.description && <p className="text-sm text-slate-600">{e.description}</p>}
                        <p className="text-xs text-slate-600">{e.events.join(', ')}</p>
                      </div>
                      <span className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${e.disabledAt ? 'bg-red-100 text-red-800' : 'bg-brand-100 text-brand-800'}`}>
                        {e.disabledAt ? 'Disabled' : 'Enabled'}
                      </span>
                    </div>
                    {e.disabledAt && <p className="text-sm text-red-800">Disabled {formatDateTime(e.disabledAt)}: {e.disabledReason}</p>}
                    {!e.disabledAt && e.consecutiveFailures > 0 && (
                      <p className="text-sm text-amber-900">
                        Failing since {formatDateTime(e.failingSince!)} ({e.consecutiveFailures} attempts in a row). It is disabled after 3 days without a success.
                      </p>
                    )}
                    {e.rotating && <p className="text-xs text-slate-600">Rotating: the previous secret also signs until {formatDateTime(e.previousSecretUntil!)}.</p>}
                    <div className="grid gap-2 sm:grid-cols-2">
                      <SecretOnceForm action={rotateSecretAction} submitLabel="Rotate secret" pendingLabel="Rotating…" secretLabel="New signing secret (shown once):" tone="secondary" testId="rotate-secret">
                        <input type="hidden" name="endpointId" value={e.id} />
                      </SecretOnceForm>
                      <ActionForm action={setEnabledAction} submitLabel={e.disabledAt ? 'Enable' : 'Disable'} pendingLabel="Saving…" tone={e.disabledAt ? 'secondary' : 'danger'} testId="toggle-endpoint">
                        <input type="hidden" name="endpointId" value={e.id} />
                        <input type="hidden" name="enabled" value={e.disabledAt ? '1' : '0'} />
                      </ActionForm>
                    </div>
                    <details className="text-sm" open={log.length > 0}>
                      <summary className="min-h-11 cursor-pointer py-2 font-semibold">Delivery log ({log.length ? `latest ${log.length}` : 'none yet'})</summary>
                      <ul className="divide-y divide-slate-200" data-testid="delivery-log">
                        {log.map((d) => (
                          <li key={d.id} className="space-y-1 py-2" data-testid="delivery" data-status={d.status} data-event={d.eventType}>
                            <div className="flex flex-wrap items-center justify-between gap-2">
                              <span className="font-mono text-xs">{d.eventType}</span>
                              <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${DELIVERY_CLASS[d.status] ?? ''}`}>{d.status}</span>
                            </div>
                            <p className="text-xs text-slate-600">
                              {d.lastAt ? formatDateTime(d.lastAt) : formatDateTime(d.createdAt)} · {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
                              {d.httpStatus !== null ? ` · HTTP ${d.httpStatus}` : ''}
                              {d.durationMs !== null ? ` · ${d.durationMs} ms` : ''}
                            </p>
                            {(d.error || d.responseSnippet) && <p className="break-all font-mono text-xs text-slate-700">{d.error ?? d.responseSnippet}</p>}
                            <ActionForm action={resendAction} submitLabel="Resend" pendingLabel="Queuing…" tone="secondary" testId="resend-delivery">
                              <input type="hidden" name="deliveryId" value={d.id} />
                            </ActionForm>
                          </li>
                        ))}
                      </ul>
                    </details>
                  </li>
                );
              })}
            </ul>
          </div>
        </section>
      </ActionResults>
    </div>
  );
}
