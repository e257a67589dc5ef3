import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { ActionForm } from '@/components/staff/action-form';
import { canManageBook } from '@/lib/book/access';
import { DEFAULT_LIFE_GRACE_DAYS, listProducts } from '@/lib/book/products';
import { requireStaff } from '@/lib/staff/session';
import { updateProductAction } from '../actions';

export const metadata: Metadata = { title: 'Products · Staff' };
export const dynamic = 'force-dynamic';

export default async function ProductsPage() {
  const viewer = await requireStaff('/staff/book/products');
  if (!canManageBook(viewer)) notFound();
  const list = await listProducts(await getDb(), viewer);
  return (
    <div className="space-y-4">
      <div>
        <Link href="/staff/book" className="text-sm font-semibold text-brand-700">← Load the book</Link>
        <h1 className="mt-1 text-2xl font-bold">Products</h1>
      </div>
      <p className="text-sm text-slate-600">
        Life products have a grace period after a missed installment (default {DEFAULT_LIFE_GRACE_DAYS} days). General business is cash and
        carry: no cover before the premium is paid (unless premium-financed), so it has no grace period. Malipo shows premium standing;
        it never claims cover on its own.
      </p>
      {list.length === 0 ? (
        <p className="card text-sm text-slate-600">No products yet. Loading the book creates them.</p>
      ) : (
        <ul className="grid gap-3 md:grid-cols-2" data-testid="products">
          {list.map((p) => (
            <li key={p.id} className="card space-y-2" data-testid="product">
              <h2 className="font-semibold">{p.name}</h2>
              <p className="text-xs text-slate-500">{p.policies.toLocaleString('en-KE')} policies</p>
              <ActionForm action={updateProductAction} submitLabel="Save" pendingLabel="Saving…" tone="secondary">
                <input type="hidden" name="productId" value={p.id} />
                <fieldset className="flex gap-4 text-sm">
                  <legend className="label">Class</legend>
                  {(['life', 'general'] as const).map((c) => (
                    <label key={c} className="flex items-center gap-2">
                      <input type="radio" name="class" value={c} defaultChecked={p.class === c} /> {c === 'life' ? 'Life' : 'General'}
                    </label>
                  ))}
                </fieldset>
                <label className="label" htmlFor={`grace-${p.id}`}>
                  Grace days (life only)
                </label>
                <input id={`grace-${p.id}`} name="graceDays" inputMode="numeric" className="field" defaultValue={p.graceDays ?? ''} placeholder={String(DEFAULT_LIFE_GRACE_DAYS)} />
              </ActionForm>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
