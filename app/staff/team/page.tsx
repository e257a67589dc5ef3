// Staff management, administrators only: invite, change role, deactivate; last sign-in for each.
import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { ActionForm } from '@/components/staff/action-form';
import { ActionResults } from '@/components/staff/action-results';
import { ROLE_LABELS, STAFF_ROLES, type StaffRole } from '@/lib/auth/roles';
import { formatDateTime } from '@/lib/format';
import { requireStaff } from '@/lib/staff/session';
import { listStaff } from '@/lib/staff/team';
import { changeRoleAction, deactivateAction, inviteStaffAction } from './actions';

export const metadata: Metadata = { title: 'Team · Staff' };
export const dynamic = 'force-dynamic';

function RoleSelect({ id, value }: { id: string; value?: StaffRole }) {
  return (
    <select id={id} name="role" defaultValue={value ?? 'support'} className="field" required>
      {STAFF_ROLES.map((r) => (
        <option key={r} value={r}>
          {ROLE_LABELS[r].label}
        </option>
      ))}
    </select>
  );
}

export default async function StaffTeamPage() {
  const viewer = await requireStaff('/staff/team', 'staff.manage');
  const members = await listStaff(await getDb(), viewer);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Team</h1>
      <ActionResults className="space-y-4">
        <div className="grid items-start gap-4 lg:grid-cols-3">
          <section className="card space-y-3 lg:col-span-1" aria-labelledby="invite-title">
            <h2 id="invite-title" className="font-semibold">Invite a staff member</h2>
            <p className="text-sm text-slate-600">They get an email with a link to choose their password. The link works once, for 48 hours.</p>
            <ActionForm action={inviteStaffAction} submitLabel="Send invitation" pendingLabel="Inviting…" testId="invite-staff">
              <div>
                <label htmlFor="invite-name" className="label">Name</label>
                <input id="invite-name" name="name" required minLength={2} maxLength={120} className="field" autoComplete="off" />
              </div>
              <div>
                <label htmlFor="invite-email" className="label">Email</label>
                <input id="invite-email" name="email" type="email" required maxLength={200} className="field" autoComplete="off" />
              </div>
              <div>
                <label htmlFor="invite-role" className="label">Role</label>
                <RoleSelect id="invite-role" />
              </div>
              <ul className="space-y-1 text-xs text-slate-500">
                {STAFF_ROLES.map((r) => (
                  <li key={r}>
                    <strong>{ROLE_LABELS[r].label}:</strong> {ROLE_LABELS[r].explain}
                  </li>
                ))}
              </ul>
            </ActionForm>
          </section>
          <section className="space-y-3 lg:col-span-2" aria-label="Staff members">
            <ul className="space-y-3" data-testid="team-list">
              {members.map((m) => {
                const self = m.id === viewer.userId;
                return (
                  <li key={m.id} className={`card space-y-2 ${m.deactivatedAt ? 'opacity-70' : ''}`} data-testid="team-member" data-email={m.email}>
                    <div className="flex flex-wrap items-start justify-between gap-2">
                      <div className="min-w-0">
                        <p className="font-semibold">{m.name}{self ? ' (you)' : ''}</p>
                        <p className="break-all text-sm text-slate-600">{m.email}</p>
                      </div>
                      <span className="rounded-full bg-slate-100 px-2.5 py-0.5 text-xs font-semibold text-slate-800" data-testid="member-role">
                        {m.deactivatedAt ? 'Deactivated' : ROLE_LABELS[m.role as StaffRole].label}
                      </span>
                    </div>
                    <p className="text-xs text-slate-500">
                      {m.deactivatedAt
                        ? `Deactivated ${formatDateTime(m.deactivatedAt)}`
                        : !m.passwordSet
                          ? 'Invited: has not set a password yet'
                          : m.lastSignInAt
                            ? `Last signed in ${formatDateTime(m.lastSignInAt)}`
                            : 'Has not signed in yet'}
                    </p>
                    {!self && !m.deactivatedAt && (
                      <div className="grid gap-2 sm:grid-cols-2">
                        <ActionForm action={changeRoleAction} submitLabel="Change role" pendingLabel="Saving…" tone="secondary" testId="change-role">
                          <input type="hidden" name="userId" value={m.id} />
                          <label htmlFor={`role-${m.id}`} className="sr-only">Role for {m.name}</label>
                          <RoleSelect id={`role-${m.id}`} value={m.role as StaffRole} />
                        </ActionForm>
                        <ActionForm action={deactivateAction} submitLabel="Deactivate" pendingLabel="Deactivating…" tone="danger" testId="deactivate">
                          <input type="hidden" name="userId" value={m.id} />
                          <p className="text-xs text-slate-500">Signs them out everywhere at once. Their history stays.</p>
                        </ActionForm>
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        </div>
      </ActionResults>
    </div>
  );
}
