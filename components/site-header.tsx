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
        <Link href={viewer ? '/dashboard' : '/'} className="text-xl font-bold tracking-tight text-brand-700">
          Malipo
        </Link>
        {viewer ? (
          <nav aria-label="Main" className="flex items-center gap-3 text-sm sm:gap-4">
            <Link href="/dashboard" prefetch={false} className="font-medium text-slate-700 hover:text-brand-700">
              Policies
            </Link>
            <Link href="/dashboard/payments" prefetch={false} className="font-medium text-slate-700 hover:text-brand-700">
              Payments
            </Link>
            <Link href="/dashboard/cards" prefetch={false} className="font-medium text-slate-700 hover:text-brand-700">
              Cards
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
