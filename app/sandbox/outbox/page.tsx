// The sandbox's mailbox: with no SMTP server configured, every email the app would send is kept
// in the outbox and shown here, newest first, attachments included.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { sandboxEnabled } from '@/lib/env';
import { formatDateTime } from '@/lib/format';
import { attachmentsOf, listOutbox } from '@/lib/notifications/outbox';
import { SmsList } from '@/components/sandbox/sms-outbox';
import { listSms } from '@/lib/sms/outbox';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sandbox outbox' };

const one = z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string().trim().toLowerCase().email().max(200).optional().catch(undefined));
const searchSchema = z.object({ to: one });

const STATUS: Record<string, string> = {
  sandbox: 'bg-amber-100 text-amber-900',
  sent: 'bg-brand-100 text-brand-800',
  queued: 'bg-sky-100 text-sky-900',
  sending: 'bg-sky-100 text-sky-900',
  failed: 'bg-red-100 text-red-800',
};

export default async function SandboxOutboxPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (!sandboxEnabled()) notFound();
  const { to } = searchSchema.parse(await searchParams);
  const messages = await listOutbox(await getDb(), { limit: 50, toEmail: to });
  // Text messages (issue 16) sit beside the emails; each phone has its own phone-sized view.
  const texts = to ? [] : await listSms(await getDb(), { limit: 20 });
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-2xl font-bold">Sandbox outbox</h1>
          <p className="text-sm text-slate-600">
            No email server is configured, so emails stop here instead of being sent{to ? <> (showing mail to <strong>{to}</strong>)</> : null}.
          </p>
        </div>
        <div className="flex gap-3 text-sm font-semibold text-brand-700">
          {to && <Link href="/sandbox/outbox">Show all</Link>}
          <Link href={to ? `/sandbox/outbox?to=${encodeURIComponent(to)}` : '/sandbox/outbox'}>Refresh</Link>
        </div>
      </div>
      {!to && (
        <section className="card space-y-3" aria-label="SMS">
          <div className="flex items-end justify-between">
            <h2 className="font-semibold">SMS</h2>
            <Link href="/sandbox/outbox/sms" className="text-sm font-semibold text-brand-700">Phone view</Link>
          </div>
          <SmsList messages={texts} />
        </section>
      )}
      {messages.length === 0 ? (
        <div className="card text-slate-600">No emails yet. Make a payment and its email appears here.</div>
      ) : (
        <ul className="space-y-3">
          {messages.map((m) => (
            <li key={m.id} className="card space-y-2" data-testid="outbox-message">
              <div className="flex items-start justify-between gap-3">
                <h2 className="min-w-0 font-semibold" data-testid="outbox-subject">{m.subject}</h2>
                <span className={`shrink-0 rounded-full px-2.5 py-0.5 text-xs font-semibold ${STATUS[m.status] ?? 'bg-slate-200 text-slate-700'}`}>{m.status}</span>
              </div>
              <p className="text-xs text-slate-600">
                To <Link href={`/sandbox/outbox?to=${encodeURIComponent(m.toEmail)}`} className="font-medium text-slate-700 underline" data-testid="outbox-to">{m.toEmail}</Link> · {formatDateTime(m.createdAt)} · {m.kind}
              </p>
              <pre className="whitespace-pre-wrap break-words rounded-xl bg-slate-50 p-3 font-sans text-sm text-slate-800" data-testid="outbox-body">{m.textBody}</pre>
              {attachmentsOf(m).map((a, i) => (
                <p key={i} className="text-sm">
                  <span className="text-slate-600">Attachment: </span>
                  <a href={`/sandbox/outbox/${m.id}/attachments/${i}`} className="font-semibold text-brand-700 underline" data-testid="outbox-attachment">
                    {a.type === 'refund_note' ? 'Refund note (PDF)' : 'Receipt (PDF)'}
                  </a>
                </p>
              ))}
              {m.error && <p className="text-xs text-red-700">Last error: {m.error}</p>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
