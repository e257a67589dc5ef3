// Every unknown address (and every "not yours") answers 404 with this page, inside the site's
// own header, so nobody is left on a bare framework page.
import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Page not found' };

export default function NotFound() {
  return (
    <div className="mx-auto max-w-md space-y-4" data-testid="not-found">
      <div className="card space-y-2 text-center">
        <p className="text-4xl font-bold text-brand-700" aria-hidden>404</p>
        <h1 className="text-xl font-bold">We could not find that page</h1>
        <p className="text-sm text-slate-700">
          The link may be old or mistyped, or the page belongs to another account. Nothing has been charged.
        </p>
      </div>
      <div className="grid gap-2">
        <Link href="/" prefetch={false} className="btn-primary">
          Go to my home page
        </Link>
        <Link href="/receipts/verify" prefetch={false} className="btn-secondary">
          Check a receipt
        </Link>
      </div>
    </div>
  );
}
