import Link from 'next/link';
import { currentViewer } from '@/lib/auth/session';
import { signOutAction } from '@/app/login/actions';

// Links here do not prefetch: a prefetch still in flight when "Sign out" is pressed would come
// back with a refreshed session cookie and sign the person straight back in.

export async function SiteHeader() {
  const viewer = await currentViewer();
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-3xl items-center justify-between gap-3 px-4 py-3">
        <Link href={viewer?.scope ? `/pay/${viewer.scope.policyId}` : viewer ? '/dashboard' : '/'} prefetch={false} className="text-xl font-bold tracking-tight text-brand-700">
          Malipo
        </Link>
        {viewer?.role === 'payer' ? (
          // A pay-link / guest session has one page; "Done" ends it on a shared phone.
          <form action={signOutAction}>
            <button className="text-sm font-medium text-slate-500 hover:text-slate-800">Done</button>
          </form>
        ) : viewer ? (
          <nav aria-label="Main" className="flex flex-wrap items-center justify-end gap-x-3 gap-y-1 text-sm sm:gap-x-4">
            {(viewer.role === 'staff' || viewer.role === 'admin') && (
              <Link href="/staff" prefetch={false} className="font-semibold text-brand-700 hover:text-brand-800">
                Staff console
              </Link>
            )}
            <Link href="/dashboard" prefetch={false} className="font-medium text-slate-700 hover:text-brand-700">
              Policies
            </Link>
            <Link href="/dashboard/payments" prefetch={false} className="font-medium text-slate-700 hover:text-brand-700">
              Payments
            </Link>
            <Link href="/dashboard/cards" prefetch={false} className="font-medium text-slate-700 hover:text-brand-700">
              Cards
            </Link>
            <Link href="/dashboard/refunds" prefetch={false} className="font-medium text-slate-700 hover:text-brand-700">
              Refunds
            </Link>
            <form action={signOutAction}>
              <button className="font-medium text-slate-500 hover:text-slate-800">Sign out</button>
            </form>
          </nav>
        ) : (
          <Link href="/login" className="text-sm font-semibold text-brand-700">
            Sign in
          </Link>
        )}
      </div>
    </header>
  );
}
