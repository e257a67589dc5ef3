import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';
import { serverSecret } from '@/lib/env';
import { authConfig } from './config';
import { dummyHash, verifyPassword } from './password';
import { recordFailedSignIn, signInBlocked } from './signin-guard';
import { holderAccessProviders } from './holder-providers';

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(200),
  password: z.string().min(1).max(200),
});

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  secret: serverSecret(),
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) throw new CredentialsSignin();
        const db = await getDb();
        if (await signInBlocked(db, parsed.data.email)) throw new CredentialsSignin();
        const [user] = await db.select().from(users).where(eq(users.email, parsed.data.email));
        const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? (await dummyHash()));
        if (!user || !ok) {
          await recordFailedSignIn(db, parsed.data.email);
          throw new CredentialsSignin();
        }
        return { id: user.id, email: user.email, name: user.name, role: user.role };
      },
    }),
    // One-time codes ('otp') and pay links ('paylink'): issue 16.
    ...holderAccessProviders(),
  ],
});
