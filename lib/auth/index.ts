import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { serverSecret } from '@/lib/env';
import { clientAddress } from '@/lib/net/client-address';
import { authConfig } from './config';
import { checkSignIn } from './check-sign-in';
import { recordSignIn } from './signin-guard';
import { holderAccessProviders } from './holder-providers';

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(200),
  password: z.string().max(200).optional(),
  ticket: z.string().max(300).optional(),
  code: z.string().max(40).optional(),
});

/** Why a sign-in was refused, for the sign-in form (Auth.js passes `code` through to signIn's caller). */
export class SignInRefused extends CredentialsSignin {
  constructor(
    public code: 'blocked' | 'invalid' | 'code_required' | 'code_invalid',
    public detail: { message?: string; ticket?: string } = {},
  ) {
    super();
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  secret: serverSecret(),
  providers: [
    Credentials({
      credentials: { email: {}, password: {}, ticket: {}, code: {} },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success || (!parsed.data.password && !parsed.data.ticket)) throw new SignInRefused('invalid');
        const result = await checkSignIn(await getDb(), parsed.data, clientAddress(request.headers));
        if (!result.ok) {
          throw new SignInRefused(result.reason, {
            message: result.reason === 'blocked' ? result.message : undefined,
            ticket: 'ticket' in result ? result.ticket : undefined,
          });
        }
        const { user } = result;
        await recordSignIn(await getDb(), user.id);
        return { id: user.id, email: user.email, name: user.name, role: user.role };
      },
    }),
    // One-time codes ('otp') and pay links ('paylink'): issue 16.
    ...holderAccessProviders(),
  ],
});
