import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { UploadForm } from '@/components/book/upload-form';
import { canManageBook } from '@/lib/book/access';
import { listImports } from '@/lib/book/imports';
import { formatDateTime } from '@/lib/format';
import { requireStaff } from '@/lib/staff/session';
import { uploadBookAction } from './actions';

export const metadata: Metadata = { title: 'Load the book · Staff' };
export const dynamic = 'force-dynamic';

const STATUS: Record<string, string> = {
  previewed: 'Waiting for confirmation',
  queued: 'Starting',
  running: 'Importing',
  done: 'Imported',
  failed: 'Failed',
  discarded: 'Discarded',
};

export default async function BookPage() {
  const viewer = await requireStaff('/staff/book');
  if (!canManageBook(viewer)) notFound();
  const imports = await listImports(await getDb(), viewer);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Load the book</h1>
      <p className="text-sm text-slate-600">
        Upload the policies, holders and installment schedules exported from the core insurance system. You see a preview first;
        nothing changes until you confirm. Loading a newer file again updates what changed and never touches money already paid.
      </p>
      <section className="card space-y-3">
        <UploadForm action={uploadBookAction} />
        <p className="text-sm">
          <a href="/api/v1/staff/book/template" className="font-semibold text-brand-700 hover:underline" download>
            Download the template (CSV)
          </a>{' '}
          · one row per installment; UTF-8, comma or semicolon separated (Excel&apos;s &quot;CSV UTF-8&quot; works).
        </p>
        <p className="text-sm">
          <Link href="/staff/book/products" className="font-semibold text-brand-700 hover:underline">
            Products and grace periods →
          </Link>
        </p>
      </section>
      <section className="card p-0">
        <h2 className="px-4 pt-4 text-lg font-semibold">Recent files</h2>
        {imports.length === 0 ? (
          <p className="p-4 text-sm text-slate-600">No file uploaded yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100" data-testid="book-imports">
            {imports.map((i) => (
              <li key={i.id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-3 text-sm">
                <Link href={`/staff/book/imports/${i.id}`} className="min-w-0 break-all font-semibold text-brand-700 hover:underline">
                  {i.fileName}
                </Link>
                <span className="text-slate-600">
                  {STATUS[i.status]} · {formatDateTime(i.createdAt)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
