'use client';
// The staff console's section tabs; the current one is marked for screen readers too.
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/staff', label: 'Overview' },
  { href: '/staff/transactions', label: 'Transactions' },
  { href: '/staff/refunds', label: 'Refunds' },
  { href: '/staff/audit', label: 'Audit log' },
];

export function StaffNav() {
  const path = usePathname();
  return (
    // Wraps rather than scrolls: at 360 px a scrolled-off tab looked like it did not exist.
    <nav aria-label="Staff" className="-mx-1 flex flex-wrap gap-1 pb-1 text-sm">
      {LINKS.map((l) => {
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
