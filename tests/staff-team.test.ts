// The staff management functions behind /staff/team: invite (email with a one-time link, through
// the mailer or the sandbox outbox), change role, deactivate; admins only; every change audited.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, outboxMessages, users } from '@/db/schema';
import { DEMO_USERS } from '@/db/seed';
import { usePasswordLink } from '@/lib/auth/password-links';
import type { Mailer, OutgoingMail } from '@/lib/notifications/mailer';
import { changeStaffRole, deactivateStaff, inviteStaff, listStaff } from '@/lib/staff/team';
import type { Viewer } from '@/lib/viewer';
import { startHarness, type Harness } from './harness';

let h: Harness;
let admin: Viewer;
let finance: Viewer;
beforeAll(async () => {
  h = await startHarness();
  const v = async (email: string): Promise<Viewer> => {
    const [u] = await h.db.select().from(users).where(eq(users.email, email));
    return { userId: u.id, role: u.role };
  };
  admin = await v(DEMO_USERS.admin.email);
  finance = await v(DEMO_USERS.staff.email);
});
afterAll(async () => {
  await h?.close();
});

test('an admin invites, changes a role and deactivates; each change is audited with who did it', async () => {
  // Sandbox: the invitation waits in the outbox with its link.
  const invited = await inviteStaff(h.db, admin, { email: ' Njeri@Insurer.co.ke ', name: 'Njeri Support', role: 'support' }, { mailer: null, origin: 'https://pay.example.co.ke' });
  expect(invited).toMatchObject({ ok: true, message: expect.stringContaining('Invited njeri@insurer.co.ke as Support') });
  const [mail] = await h.db.select().from(outboxMessages).where(eq(outboxMessages.toEmail, 'njeri@insurer.co.ke'));
  expect(mail).toMatchObject({ status: 'sandbox', kind: 'staff_invite', subject: 'You have been invited to the Malipo staff console' });
  const token = /https:\/\/pay\.example\.co\.ke\/set-password\/([A-Za-z0-9_-]{43})/.exec(mail.textBody)![1];
  expect(await usePasswordLink(h.db, token, { password: 'njeri-support-pass', confirm: 'njeri-support-pass' })).toMatchObject({ ok: true, email: 'njeri@insurer.co.ke' });
  const id = (invited as { userId: string }).userId;

  expect(await inviteStaff(h.db, admin, { email: 'njeri@insurer.co.ke', name: 'Again', role: 'finance' }, { mailer: null })).toMatchObject({ ok: false, code: 'conflict' });
  expect(await inviteStaff(h.db, finance, { email: 'x@insurer.co.ke', name: 'Nope', role: 'admin' }, { mailer: null })).toMatchObject({ ok: false, code: 'forbidden' });
  expect(await h.db.select().from(users).where(eq(users.email, 'x@insurer.co.ke'))).toEqual([]);

  expect(await changeStaffRole(h.db, admin, { userId: id, role: 'finance' })).toMatchObject({ ok: true, message: 'Njeri Support is now Finance.' });
  expect(await changeStaffRole(h.db, admin, { userId: id, role: 'owner' })).toMatchObject({ ok: false, code: 'invalid' });
  expect(await changeStaffRole(h.db, admin, { userId: admin.userId, role: 'finance' })).toMatchObject({ ok: false, code: 'conflict' });
  expect(await changeStaffRole(h.db, admin, { userId: h.holder.userId, role: 'finance' })).toMatchObject({ ok: false, code: 'not_found' });
  expect(await changeStaffRole(h.db, finance, { userId: id, role: 'admin' })).toMatchObject({ ok: false, code: 'forbidden' });
  expect(await deactivateStaff(h.db, admin, { userId: id })).toMatchObject({ ok: true });
  expect(await deactivateStaff(h.db, admin, { userId: id })).toMatchObject({ ok: false, code: 'conflict' });

  const [member] = await h.db.select().from(users).where(eq(users.id, id));
  expect(member.role).toBe('finance');
  expect(member.deactivatedAt).toBeInstanceOf(Date);
  expect((await h.db.select().from(users).where(eq(users.id, h.holder.userId)))[0].role).toBe('policyholder');
  const trail = await h.db.select().from(auditLog).where(and(eq(auditLog.targetType, 'user'), eq(auditLog.targetId, id)));
  expect(trail.map((a) => [a.action, a.actorId])).toEqual([
    ['staff.invite', admin.userId],
    ['staff.change_role', admin.userId],
    ['staff.deactivate', admin.userId],
  ]);
  expect(trail[1].detail).toMatchObject({ from: 'support', to: 'finance' });
  const listed = (await listStaff(h.db, admin)).find((m) => m.id === id)!;
  expect(listed).toMatchObject({ passwordSet: true, deactivatedAt: expect.any(Date) });
  await expect(listStaff(h.db, finance)).rejects.toThrow();
});

test('sent by SMTP, the invitation keeps no usable link in the outbox copy', async () => {
  const sent: OutgoingMail[] = [];
  const mailer: Mailer = { async send(m) { sent.push(m); } } as Mailer;
  const invited = await inviteStaff(h.db, admin, { email: 'wambui@insurer.co.ke', name: 'Wambui Finance', role: 'finance' }, { mailer, origin: 'https://pay.example.co.ke' });
  expect(invited).toMatchObject({ ok: true });
  expect(sent).toHaveLength(1);
  expect(sent[0].text).toMatch(/https:\/\/pay\.example\.co\.ke\/set-password\/[A-Za-z0-9_-]{43}/);
  const [kept] = await h.db.select().from(outboxMessages).where(eq(outboxMessages.toEmail, 'wambui@insurer.co.ke'));
  expect(kept.status).toBe('sent');
  expect(kept.textBody).not.toMatch(/set-password/);
  expect(kept.textBody).toContain('(link removed after sending)');
});
