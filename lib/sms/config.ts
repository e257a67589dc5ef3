// Africa's Talking settings. Without AT_API_KEY the app talks to its own emulator over real HTTP
// (/api/sandbox/africastalking), exactly as the payment gateways fall back to theirs.
import crypto from 'node:crypto';
import { appOrigin, sandboxEnabled, serverSecret } from '@/lib/env';

export type SmsConfig = {
  baseUrl: string;
  username: string;
  apiKey: string;
  /** Alphanumeric sender id or shortcode; empty: Africa's Talking's shared default. */
  senderId: string;
  /** A two-way shortcode holders can reply STOP to; empty when the sender cannot receive. */
  replyShortcode: string;
  sandbox: boolean;
};

export const SANDBOX_AT_USERNAME = 'sandbox';
export const SANDBOX_AT_API_KEY = 'malipo-sandbox-at-key';

export function smsSandboxEnabled(env: NodeJS.ProcessEnv = process.env) {
  return !env.AT_API_KEY;
}

export function smsConfigFromEnv(env: NodeJS.ProcessEnv = process.env, origin = appOrigin(env)): SmsConfig {
  if (smsSandboxEnabled(env)) {
    // With real payment gateways, codes and reminders sent to the emulator would reach nobody.
    if (!sandboxEnabled(env) && !env.AT_API_URL) throw new Error('AT_API_KEY (and AT_USERNAME) must be set when real payment gateways are configured.');
    return {
      baseUrl: env.AT_API_URL || `${origin}/api/sandbox/africastalking`,
      username: SANDBOX_AT_USERNAME,
      apiKey: SANDBOX_AT_API_KEY,
      senderId: env.AT_SENDER_ID ?? '',
      replyShortcode: env.AT_SHORTCODE ?? '',
      sandbox: true,
    };
  }
  if (!env.AT_USERNAME) throw new Error('AT_USERNAME must be set with AT_API_KEY.');
  return {
    baseUrl: (env.AT_API_URL || 'https://api.africastalking.com').replace(/\/$/, ''),
    username: env.AT_USERNAME,
    apiKey: env.AT_API_KEY!,
    senderId: env.AT_SENDER_ID ?? '',
    replyShortcode: env.AT_SHORTCODE ?? '',
    sandbox: false,
  };
}

/**
 * Africa's Talking does not sign delivery reports or inbound messages: the URL we give it carries
 * a secret path segment derived from the server secret (configure
 * `<APP_URL>/api/v1/sms/delivery/<smsCallbackSecret>` in its dashboard).
 */
export function smsCallbackSecret(secret = serverSecret()) {
  return crypto.createHmac('sha256', secret).update('malipo:sms-callbacks').digest('base64url').slice(0, 24);
}

export function smsCallbackSecretMatches(candidate: string, secret = serverSecret()) {
  const expected = Buffer.from(smsCallbackSecret(secret));
  const given = Buffer.from(candidate);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}
