// Wires the gateway clients to this app: configuration from the environment (or the built-in
// sandboxes), Daraja's OAuth token cached in PostgreSQL and shared by every instance
// (docs/daraja.md §2), and the checks the sweep asks through.
import { eq } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { gatewayTokens } from '@/db/schema';
import { createDarajaClient, type TokenStore } from '@/lib/gateways/daraja/client';
import { darajaConfigFromEnv } from '@/lib/gateways/daraja/config';
import { createPaystackClient } from '@/lib/gateways/paystack/client';
import { paystackConfigFromEnv } from '@/lib/gateways/paystack/config';
import { appOrigin } from '@/lib/env';
import type { GatewayChecks } from './core/sweep';
import { stkCallbackUrl } from './mpesa/callback-token';
import { cardCheck } from './pay-by-card';
import { mpesaCheck } from './pay-by-mpesa';

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

export function paystackGateway(env: NodeJS.ProcessEnv = process.env) {
  const config = paystackConfigFromEnv(env, appOrigin(env));
  return {
    config,
    paystack: createPaystackClient(config),
    /** Where Paystack sends the browser back: the card status page verifies from there. */
    returnUrlFor: (paymentId: string) => `${appOrigin(env)}/pay/card/${paymentId}`,
  };
}

/** How the sweep, the re-check and staff's "check now" ask each gateway about a payment. */
export function gatewayChecks(db: Queryable, env: NodeJS.ProcessEnv = process.env): GatewayChecks {
  return { mpesa: mpesaCheck(mpesaGateway(db, env).daraja), card: cardCheck(paystackGateway(env).paystack) };
}
