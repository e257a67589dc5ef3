import Link from 'next/link';
import { currentViewer } from '@/lib/auth/session';
import { signOutAction } from '@/app/login/actions';
import { SandboxBanner } from '@/components/sandbox-banner';
import { sandboxEnabled } from '@/lib/env';

// Links here do not prefetch: a prefetch still in flight when "Sign out" is pressed would come
// back with a refreshed session cookie and sign the person straight back in.
// Every link is at least 44 px tall (touch targets on phones); on a phone the links wrap onto a
// second row under the name rather than shrinking.

const HOLDER_LINKS = [
  { href: '/dashboard', label: 'Policies' },
  { href: '/dashboard/payments', label: 'Payments' },
  { href: '/dashboard/cards', label: 'Cards' },
  { href: '/dashboard/refunds', label: 'Refunds' },
];

const link = 'inline-flex min-h-11 items-center rounded-lg px-2 font-medium text-slate-700 hover:bg-slate-100 hover:text-brand-800';

export async function SiteHeader() {
  const viewer = await currentViewer();
  const staff = viewer && viewer.role !== 'policyholder';
  return (
    // The sandbox notice sits inside the banner landmark, so all content is in a landmark.
    <header className="border-b border-slate-200 bg-white">
      {sandboxEnabled() && <SandboxBanner />}
      <div className="mx-auto flex max-w-3xl flex-wrap items-center justify-between gap-x-3 px-4 py-1.5">
        <Link
          href={staff ? '/staff' : viewer?.scope ? `/pay/${viewer.scope.policyId}` : viewer ? '/dashboard' : '/'}
          prefetch={false}
          className="inline-flex min-h-11 items-center text-xl font-bold tracking-tight text-brand-700"
        >
          Malipo
        </Link>
        {viewer?.role === 'payer' ? (
          // A pay-link / guest session has one page; "Done" ends it on a shared phone.
          <form action={signOutAction}>
            <button className={`${link} text-slate-600`}>Done</button>
          </form>
        ) : viewer ? (
          <>
            {/* Phones: "Sign out" beside the name, the links on a row of their own below.
                Wider screens: one row, "Sign out" last. */}
            <form action={signOutAction} className="text-sm sm:order-last">
              <button className={`${link} text-slate-600`}>Sign out</button>
            </form>
            <nav aria-label="Main" className="-mx-2 flex basis-full flex-wrap items-center justify-between text-sm sm:ml-auto sm:basis-auto sm:justify-end">
              {staff ? (
                // Staff have no policies of their own: their pages are the console.
                <Link href="/staff" prefetch={false} className={`${link} font-semibold text-brand-800`}>
                  Staff console
                </Link>
              ) : (
                HOLDER_LINKS.map((l) => (
                  <Link key={l.href} href={l.href} prefetch={false} className={link}>
                    {l.label}
                  </Link>
                ))
              )}
            </nav>
          </>
        ) : (
          <Link href="/login" className={`${link} font-semibold text-brand-800`}>
            Sign in
          </Link>
        )}
      </div>
    </header>
  );
}
