// The staff console's frame: wider than the holder pages (tables need the room on a desktop),
// with its own section tabs. Every page below checks the role again itself.
import { StaffNav } from '@/components/staff/staff-nav';
import { requireStaff } from '@/lib/staff/session';

export default async function StaffLayout({ children }: { children: React.ReactNode }) {
  const viewer = await requireStaff('/staff');
  return (
    // From tablet width up, breaks out of the root layout's narrow column, 1rem short of each
    // edge so a desktop scrollbar never causes sideways scrolling. Phones keep the normal column
    // (no vw there: a phone widens its viewport when anything overflows, and vw would follow).
    <div className="md:ml-[calc(50%-50vw+1rem)] md:w-[calc(100vw-2rem)]">
      <div className="mx-auto max-w-6xl space-y-4">
        <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 pb-2">
          <StaffNav role={viewer.role} />
          <p className="text-xs text-slate-600">
            Staff console · signed in as {viewer.name || viewer.email} ({viewer.role})
          </p>
        </div>
        {children}
      </div>
    </div>
  );
}
