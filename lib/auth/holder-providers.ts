// Sign-in without a password (issue 16), as Auth.js Credentials providers:
//  - 'otp': a one-time code. Sign-in and claim codes open a full holder session; a guest-pay code
//    opens a session scoped to paying one policy.
//  - 'paylink': a signed pay link; opens a session scoped to the link's policy.
import { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';
import { verifyCode } from '@/lib/holder-access/codes';
import { openPayLink, payerScope } from '@/lib/holder-access/pay-link';

const otpSchema = z.object({ challengeId: z.string().uuid(), code: z.string().trim().regex(/^\d{6}$/) });
const linkSchema = z.object({ token: z.string().max(64) });

async function holder(userId: string) {
  const db = await getDb();
  const [u] = await db.select({ id: users.id, email: users.email, name: users.name, role: users.role }).from(users).where(eq(users.id, userId));
  if (!u || u.role !== 'policyholder') throw new CredentialsSignin();
  return u;
}

export function holderAccessProviders() {
  return [
    Credentials({
      id: 'otp',
      name: 'One-time code',
      credentials: { challengeId: {}, code: {} },
      async authorize(raw) {
        const parsed = otpSchema.safeParse(raw);
        if (!parsed.success) throw new CredentialsSignin();
        const check = await verifyCode(await getDb(), parsed.data.challengeId, parsed.data.code);
        if (!check.ok) throw new CredentialsSignin();
        const u = await holder(check.userId);
        if (check.purpose === 'guest') {
          if (!check.policyId) throw new CredentialsSignin();
          return { id: u.id, name: null, email: null, role: 'payer', scope: payerScope(check.policyId, undefined) };
        }
        return { id: u.id, email: u.email, name: u.name, role: 'policyholder' };
      },
    }),
    Credentials({
      id: 'paylink',
      name: 'Pay link',
      credentials: { token: {} },
      async authorize(raw) {
        const parsed = linkSchema.safeParse(raw);
        if (!parsed.success) throw new CredentialsSignin();
        const link = await openPayLink(await getDb(), parsed.data.token);
        if (!link.ok) throw new CredentialsSignin();
        const u = await holder(link.holderId);
        // Anyone may hold the link: the session gets no name or email, only the one policy.
        return { id: u.id, name: null, email: null, role: 'payer', scope: payerScope(link.policyId, link.installmentId) };
      },
    }),
  ];
}
