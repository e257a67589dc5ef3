// Staff accounts: create (the first administrator from the command line, others by invitation),
// change role, deactivate. Every change by a signed-in administrator is in the audit log, written
// in the same transaction. Only 'staff.manage' (administrators) may call the viewer-taking functions.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { uuidField } from '@/lib/uuid';
import type { Db, Queryable } from '@/db/client';
import { outboxMessages, users } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { denyUnless, assertCan, ROLE_LABELS, STAFF_ROLES, type Forbidden, type StaffRole } from '@/lib/auth/roles';
import { issuePasswordLink, NO_PASSWORD } from '@/lib/auth/password-links';
import { appOrigin } from '@/lib/env';
import { mailerFromEnv, type Mailer } from '@/lib/notifications/mailer';
import { deliverMessage, queueMessage } from '@/lib/notifications/outbox';
import type { Viewer } from '@/lib/viewer';

export const newStaffSchema = z.object({
  email: z.string().trim().toLowerCase().email('Enter a valid email address.').max(200),
  name: z.string().trim().min(2, 'Enter their name (at least 2 characters).').max(120, 'Keep the name under 120 characters.'),
  role: z.enum(STAFF_ROLES, { message: 'Choose a role: admin, finance or support.' }),
});
export type NewStaff = z.input<typeof newStaffSchema>;

export type TeamResult = { ok: true; message: string; link?: string; userId?: string } | { ok: false; code: 'invalid' | 'not_found' | 'conflict'; error: string } | Forbidden;

/** A set-password link inside an email body (PostgreSQL regular expression). */
const LINK_PATTERN = 'https?://\\S+/set-password/\\S+';

const invalid = (e: z.ZodError) => ({ ok: false as const, code: 'invalid' as const, error: e.issues[0].message });
const taken = { ok: false as const, code: 'conflict' as const, error: 'An account with this email already exists.' };

async function insertStaff(db: Queryable, s: z.output<typeof newStaffSchema>) {
  const [row] = await db
    .insert(users)
    .values({ email: s.email, name: s.name, role: s.role, passwordHash: NO_PASSWORD })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id });
  return row;
}

/** `npm run staff:create`: no viewer (whoever can run commands on the server is trusted). */
export async function createStaffFromCommandLine(db: Db, raw: NewStaff, origin = appOrigin()): Promise<TeamResult> {
  const input = newStaffSchema.safeParse(raw);
  if (!input.success) return invalid(input.error);
  return db.transaction(async (tx) => {
    const user = await insertStaff(tx, input.data);
    if (!user) return taken;
    const link = await issuePasswordLink(tx, user.id, null, new Date(), origin);
    return { ok: true as const, userId: user.id, link: link.url, message: `Created ${input.data.email} (${input.data.role}). The link works once, until ${link.expiresAt.toISOString()}.` };
  });
}

function inviteEmail(name: string, role: StaffRole, inviter: string, url: string) {
  return {
    subject: 'You have been invited to the Malipo staff console',
    text: [
      `Hello ${name},`,
      '',
      `${inviter} has invited you to the Malipo staff console as ${ROLE_LABELS[role].label} (${ROLE_LABELS[role].explain.toLowerCase()}).`,
      '',
      'Choose your password here (the link works once, for 48 hours):',
      url,
      '',
      'If you did not expect this email, ignore it.',
    ].join('\n'),
  };
}

export async function inviteStaff(db: Db, viewer: Viewer, raw: NewStaff, deps: { mailer?: Mailer | null; origin?: string } = {}): Promise<TeamResult> {
  const denied = denyUnless(viewer, 'staff.manage');
  if (denied) return denied;
  const input = newStaffSchema.safeParse(raw);
  if (!input.success) return invalid(input.error);
  const made = await db.transaction(async (tx) => {
    const user = await insertStaff(tx, input.data);
    if (!user) return taken;
    const [inviter] = await tx.select({ name: users.name }).from(users).where(eq(users.id, viewer.userId));
    const link = await issuePasswordLink(tx, user.id, viewer.userId, new Date(), deps.origin ?? appOrigin());
    const mail = inviteEmail(input.data.name, input.data.role, inviter?.name ?? 'An administrator', link.url);
    const message = await queueMessage(tx, { dedupeKey: `staff.invite:${user.id}`, userId: user.id, toEmail: input.data.email, kind: 'staff_invite', subject: mail.subject, textBody: mail.text });
    await recordAudit(tx, { actorId: viewer.userId, action: 'staff.invite', targetType: 'user', targetId: user.id, detail: { email: input.data.email, role: input.data.role } });
    return { ok: true as const, userId: user.id, messageId: message.id };
  });
  if (!made.ok) return made;
  // After the commit: the email goes now (or stays in the sandbox outbox); the reminders sweep
  // retries anything SMTP refused for the moment.
  const delivery = await deliverMessage(db, deps.mailer === undefined ? mailerFromEnv() : deps.mailer, made.messageId);
  if (delivery.outcome === 'sent') {
    // Once it has left by SMTP, the copy kept in the outbox loses the link: a pending link must
    // not be readable by whoever can read the database.
    await db
      .update(outboxMessages)
      .set({ textBody: sql`regexp_replace(${outboxMessages.textBody}, ${LINK_PATTERN}, '(link removed after sending)', 'g')` })
      .where(eq(outboxMessages.id, made.messageId));
  }
  return { ok: true, userId: made.userId, message: `Invited ${input.data.email} as ${ROLE_LABELS[input.data.role].label}. They will get an email with a link to choose a password.` };
}

const memberSchema = z.object({ userId: uuidField('Unknown staff member.') });
const roleChangeSchema = memberSchema.extend({ role: z.enum(STAFF_ROLES, { message: 'Choose a role: admin, finance or support.' }) });

/** Locks the member's row; refuses changes to oneself (an admin cannot lock themselves out by mistake). */
async function lockMember(tx: Queryable, viewer: Viewer, userId: string) {
  if (userId === viewer.userId) return { ok: false as const, code: 'conflict' as const, error: 'You cannot change your own account here. Ask another administrator.' };
  const [member] = await tx.select().from(users).where(and(eq(users.id, userId), inArray(users.role, [...STAFF_ROLES]))).for('update');
  if (!member) return { ok: false as const, code: 'not_found' as const, error: 'Unknown staff member.' };
  return { ok: true as const, member };
}

export async function changeStaffRole(db: Db, viewer: Viewer, raw: { userId: string; role: string }): Promise<TeamResult> {
  const denied = denyUnless(viewer, 'staff.manage');
  if (denied) return denied;
  const input = roleChangeSchema.safeParse(raw);
  if (!input.success) return invalid(input.error);
  return db.transaction(async (tx) => {
    const locked = await lockMember(tx, viewer, input.data.userId);
    if (!locked.ok) return locked;
    const { member } = locked;
    if (member.role === input.data.role) return { ok: false as const, code: 'conflict' as const, error: `${member.name} is already ${ROLE_LABELS[input.data.role].label}; nothing changed.` };
    await tx.update(users).set({ role: input.data.role }).where(eq(users.id, member.id));
    await recordAudit(tx, { actorId: viewer.userId, action: 'staff.change_role', targetType: 'user', targetId: member.id, detail: { email: member.email, from: member.role, to: input.data.role } });
    return { ok: true as const, message: `${member.name} is now ${ROLE_LABELS[input.data.role].label}.` };
  });
}

export async function deactivateStaff(db: Db, viewer: Viewer, raw: { userId: string }): Promise<TeamResult> {
  const denied = denyUnless(viewer, 'staff.manage');
  if (denied) return denied;
  const input = memberSchema.safeParse(raw);
  if (!input.success) return invalid(input.error);
  return db.transaction(async (tx) => {
    const locked = await lockMember(tx, viewer, input.data.userId);
    if (!locked.ok) return locked;
    const { member } = locked;
    if (member.deactivatedAt) return { ok: false as const, code: 'conflict' as const, error: `${member.name} is already deactivated; nothing changed.` };
    // Sessions are re-checked against this column on every request (lib/auth/session.ts).
    await tx.update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, member.id));
    await recordAudit(tx, { actorId: viewer.userId, action: 'staff.deactivate', targetType: 'user', targetId: member.id, detail: { email: member.email, role: member.role } });
    return { ok: true as const, message: `${member.name} is deactivated and signed out everywhere.` };
  });
}

export async function listStaff(db: Queryable, viewer: Viewer) {
  assertCan(viewer, 'staff.manage');
  return db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      lastSignInAt: users.lastSignInAt,
      deactivatedAt: users.deactivatedAt,
      createdAt: users.createdAt,
      passwordSet: sql<boolean>`${users.passwordHash} <> ${NO_PASSWORD}`,
    })
    .from(users)
    .where(inArray(users.role, [...STAFF_ROLES]))
    .orderBy(asc(users.deactivatedAt), asc(users.name))
    .limit(500);
}
