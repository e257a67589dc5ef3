'use client';
// The staff console's section tabs; the current one is marked for screen readers too.
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { canDo, type Role, type StaffAction } from '@/lib/auth/roles';

const LINKS: { href: string; label: string; action: StaffAction }[] = [
  { href: '/staff', label: 'Overview', action: 'console.view' },
  { href: '/staff/transactions', label: 'Transactions', action: 'payments.view' },
  { href: '/staff/refunds', label: 'Refunds', action: 'payments.view' },
  { href: '/staff/money', label: 'Money by hand', action: 'payments.view' },
  { href: '/staff/reconciliation', label: 'Reconciliation', action: 'recon.view' },
  { href: '/staff/unallocated', label: 'Unallocated', action: 'payments.view' },
  { href: '/staff/holders', label: 'Holders', action: 'payments.view' },
  { href: '/staff/book', label: 'Load the book', action: 'book.manage' },
  { href: '/staff/audit', label: 'Audit log', action: 'audit.view' },
  { href: '/staff/team', label: 'Team', action: 'staff.manage' },
  { href: '/staff/integrations', label: 'Integrations', action: 'integrations.manage' },
  { href: '/staff/security', label: 'Security', action: 'console.view' },
];

/** Only the sections the role may open (the pages refuse the others anyway). */
export function StaffNav({ role }: { role: Role }) {
  const path = usePathname();
  return (
    // Wraps rather than scrolls: at 360 px a scrolled-off tab looked like it did not exist.
    <nav aria-label="Staff" className="-mx-1 flex flex-wrap gap-1 pb-1 text-sm">
      {LINKS.filter((l) => canDo({ role }, l.action)).map((l) => {
        const active = l.href === '/staff' ? path === '/staff' : path.startsWith(l.href);
        return (
          <Link
            key={l.href}
            href={l.href}
            aria-current={active ? 'page' : undefined}
            className={`inline-flex min-h-11 items-center whitespace-nowrap rounded-lg px-3 font-medium ${active ? 'bg-slate-900 text-white' : 'text-slate-700 hover:bg-slate-200'}`}
          >
            {l.label}
          </Link>
        );
      })}
    </nav>
  );
}
