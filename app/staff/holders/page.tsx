import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { searchHolders } from '@/lib/book/holders';
import { maskMsisdn } from '@/lib/phone';
import { requireStaff } from '@/lib/staff/session';

export const metadata: Metadata = { title: 'Holders · Staff' };
export const dynamic = 'force-dynamic';

export default async function HoldersPage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  const viewer = await requireStaff('/staff/holders');
  const raw = (await searchParams).q;
  const q = typeof raw === 'string' ? raw.slice(0, 100) : '';
  const rows = await searchHolders(await getDb(), viewer, q);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Holders</h1>
      <form className="flex gap-2" role="search">
        <label htmlFor="holder-q" className="sr-only">
          Client id, name, phone or email
        </label>
        <input id="holder-q" name="q" defaultValue={q} className="field" placeholder="Client id, name, phone or email" />
        <button className="btn-secondary" type="submit">Search</button>
      </form>
      {rows.length === 0 ? (
        <p className="card text-sm text-slate-600">No holder matches.</p>
      ) : (
        <ul className="card divide-y divide-slate-100 p-0" data-testid="holders">
          {rows.map((h) => (
            <li key={h.id} className="px-4 py-3 text-sm">
              <Link href={`/staff/holders/${h.id}`} className="font-semibold text-brand-700 hover:underline">{h.name}</Link>
              <span className="block text-slate-600">
                {h.clientId ? `Client ${h.clientId} · ` : ''}
                {h.phone ? `${maskMsisdn(h.phone)} · ` : ''}
                {h.email}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
