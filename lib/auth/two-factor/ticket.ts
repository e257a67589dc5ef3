// After a right password on an account with two-factor, the sign-in form asks for a code. Rather
// than sending the password back to the browser, it carries this ticket: the user id and an expiry,
// signed with the server secret and bound to the current password hash (a password change voids it).
import crypto from 'node:crypto';
import { serverSecret } from '@/lib/env';

const TICKET_SECONDS = 5 * 60;

function mac(userId: string, exp: number, passwordHash: string) {
  return crypto.createHmac('sha256', serverSecret()).update(`signin-second-step|${userId}|${exp}|${passwordHash}`).digest('base64url');
}

export function issueTicket(user: { id: string; passwordHash: string }, now = Date.now()) {
  const exp = Math.floor(now / 1000) + TICKET_SECONDS;
  return `${user.id}.${exp}.${mac(user.id, exp, user.passwordHash)}`;
}

/** True for a ticket issued to this user, unexpired, and signed by us (constant-time compare). */
export function ticketValid(ticket: string, user: { id: string; passwordHash: string }, now = Date.now()) {
  const [id, expText, sig] = ticket.split('.');
  const exp = Number(expText);
  if (id !== user.id || !Number.isInteger(exp) || exp < Math.floor(now / 1000) || !sig) return false;
  const expected = Buffer.from(mac(user.id, exp, user.passwordHash));
  const given = Buffer.from(sig);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}
