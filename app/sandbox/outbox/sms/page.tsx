// One phone's text messages, phone-sized: what the holder would see on their handset.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { SmsList, localPhone } from '@/components/sandbox/sms-outbox';
import { sandboxEnabled } from '@/lib/env';
import { normalizeKenyanPhone } from '@/lib/phone';
import { listSms } from '@/lib/sms/outbox';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sandbox SMS' };

const phoneParam = z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string().max(32).optional().catch(undefined));

export default async function SandboxSmsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (!sandboxEnabled()) notFound();
  const raw = phoneParam.parse((await searchParams).phone);
  const n = raw ? normalizeKenyanPhone(raw) : null;
  const phone = n?.ok ? n.msisdn : undefined;
  const messages = await listSms(await getDb(), { toPhone: phone, limit: 50 });
  return (
    <div className="mx-auto max-w-sm space-y-3">
      <div className="flex items-end justify-between">
        <h1 className="text-xl font-bold">{phone ? `Messages on ${localPhone(phone)}` : 'All SMS'}</h1>
        <Link href={phone ? `/sandbox/outbox/sms?phone=${phone}` : '/sandbox/outbox/sms'} className="text-sm font-semibold text-brand-700">
          Refresh
        </Link>
      </div>
      <div className="rounded-[2rem] border-8 border-slate-800 bg-white p-3 shadow-lg" data-testid="sms-phone">
        <SmsList messages={messages} showTo={!phone} />
      </div>
      <Link href="/sandbox/outbox" className="text-sm font-semibold text-brand-700">Back to the outbox</Link>
    </div>
  );
}
