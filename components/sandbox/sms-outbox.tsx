// SMS in the sandbox: every text the app sent through the Africa's Talking emulator, as bubbles,
// with the gateway's answer and the delivery report (status, cost, fall-back to email).
import Link from 'next/link';
import type { SmsMessage } from '@/db/schema';
import { formatDateTime } from '@/lib/format';
import { smsLength } from '@/lib/sms/gsm7';

const STATUS: Record<string, string> = {
  delivered: 'bg-brand-100 text-brand-800',
  sent: 'bg-sky-100 text-sky-900',
  queued: 'bg-slate-200 text-slate-700',
  sending: 'bg-slate-200 text-slate-700',
  failed: 'bg-red-100 text-red-800',
};

export function localPhone(msisdn: string) {
  return /^254\d{9}$/.test(msisdn) ? `0${msisdn.slice(3)}` : msisdn;
}

export function SmsList({ messages, showTo = true }: { messages: SmsMessage[]; showTo?: boolean }) {
  if (!messages.length) return <p className="text-sm text-slate-600">No SMS yet.</p>;
  return (
    <ul className="space-y-3">
      {messages.map((m) => {
        const len = smsLength(m.body);
        return (
          <li key={m.id} data-testid="sms-message" data-phone={m.toPhone} data-kind={m.kind} className="space-y-1">
            <div className="max-w-[20rem] rounded-2xl rounded-tl-sm bg-slate-100 px-3 py-2 text-sm text-slate-900 break-words" data-testid="sms-body">
              {m.body}
            </div>
            <p className="text-xs text-slate-500">
              {showTo && (
                <>
                  To <Link href={`/sandbox/outbox/sms?phone=${m.toPhone}`} className="font-medium text-slate-700 underline">{localPhone(m.toPhone)}</Link> ·{' '}
                </>
              )}
              {formatDateTime(m.createdAt)} · {m.kind} · {len.units} chars, {len.parts} part{len.parts === 1 ? '' : 's'}{' '}
              <span className={`rounded-full px-2 py-0.5 font-semibold ${STATUS[m.status] ?? 'bg-slate-200 text-slate-700'}`} data-testid="sms-status">{m.status}</span>
              {m.failureReason && <span className="text-red-700"> · {m.failureReason}</span>}
              {m.fallbackEmailId && <span> · sent by email instead</span>}
            </p>
          </li>
        );
      })}
    </ul>
  );
}
