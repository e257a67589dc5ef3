// Wires the Daraja client to this app: configuration from the environment (or the built-in
// sandbox), and an OAuth token cache in PostgreSQL shared by every instance (daraja.md §2).
import { eq } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { gatewayTokens } from '@/db/schema';
import { createDarajaClient, type TokenStore } from '@/lib/gateways/daraja/client';
import { darajaConfigFromEnv } from '@/lib/gateways/daraja/config';
import { appOrigin } from '@/lib/env';
import { stkCallbackUrl } from './callback-token';

export function dbTokenStore(db: Queryable): TokenStore {
  return {
    async get(key) {
      const [row] = await db.select().from(gatewayTokens).where(eq(gatewayTokens.key, key));
      return row ? { token: row.token, expiresAt: row.expiresAt } : null;
    },
    async set(key, token, expiresAt) {
      await db
        .insert(gatewayTokens)
        .values({ key, token, expiresAt })
        .onConflictDoUpdate({ target: gatewayTokens.key, set: { token, expiresAt } });
    },
    async clear(key) {
      await db.delete(gatewayTokens).where(eq(gatewayTokens.key, key));
    },
  };
}

export function mpesaGateway(db: Queryable, env: NodeJS.ProcessEnv = process.env) {
  const { config } = darajaConfigFromEnv(env, appOrigin(env));
  const daraja = createDarajaClient(config, { tokenStore: dbTokenStore(db) });
  return {
    daraja,
    callbackUrlFor: (paymentId: string) => stkCallbackUrl(config.callbackUrl, paymentId),
  };
}
