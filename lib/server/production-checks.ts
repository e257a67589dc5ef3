// What a production start refuses. "Production" = real gateway credentials (lib/env.ts liveMode);
// the sandbox keeps its generated secrets and demo accounts. Each problem is one line naming what
// to set, so an operator reading the crash log knows exactly what to fix.
import { inArray } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { users } from '@/db/schema';
import { DEMO_USERS } from '@/db/seed';

const MIN_SECRET_BYTES = 32;

function secretProblem(name: string, value: string | undefined): string | null {
  if (!value) return `${name} is not set: set it to a random value of at least ${MIN_SECRET_BYTES} bytes (e.g. \`openssl rand -base64 48\`).`;
  if (Buffer.byteLength(value, 'utf8') < MIN_SECRET_BYTES) return `${name} is shorter than ${MIN_SECRET_BYTES} bytes: set it to a longer random value (e.g. \`openssl rand -base64 48\`).`;
  return null;
}

/** Settings problems, one line each; empty when the environment is fit for production. */
export function settingsProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: (string | null)[] = [secretProblem('AUTH_SECRET', env.AUTH_SECRET), secretProblem('RECEIPT_SECRET', env.RECEIPT_SECRET)];
  let appUrl: URL | null = null;
  try {
    appUrl = env.APP_URL ? new URL(env.APP_URL) : null;
  } catch {
    appUrl = null;
  }
  if (!appUrl || appUrl.protocol !== 'https:') problems.push('APP_URL must be the public https:// address of the app, e.g. APP_URL=https://pay.example.co.ke.');
  return problems.filter((p): p is string => !!p);
}

/** Demo accounts still in the database: their passwords are printed in the README. */
export async function demoAccountProblems(db: Queryable): Promise<string[]> {
  const emails = Object.values(DEMO_USERS).map((u) => u.email);
  const found = await db.select({ email: users.email }).from(users).where(inArray(users.email, emails));
  return found.map((u) => `Demo account ${u.email} exists in this database: its password is public. Delete it (or use a fresh database) before going live.`);
}

export class UnsafeProductionSettings extends Error {
  constructor(readonly problems: string[]) {
    super(`Refusing to start with real gateway credentials:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'UnsafeProductionSettings';
  }
}
