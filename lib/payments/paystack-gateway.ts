// Wires the Paystack client to this app: real keys from the environment, or the built-in emulator.
import { createPaystackClient } from '@/lib/gateways/paystack/client';
import { paystackConfigFromEnv } from '@/lib/gateways/paystack/config';
import { appOrigin } from '@/lib/env';

export function paystackGateway(env: NodeJS.ProcessEnv = process.env) {
  const config = paystackConfigFromEnv(env, appOrigin(env));
  return {
    config,
    paystack: createPaystackClient(config),
    /** Where Paystack sends the browser back: the card status page verifies from there. */
    returnUrlFor: (paymentId: string) => `${appOrigin(env)}/pay/card/${paymentId}`,
  };
}
