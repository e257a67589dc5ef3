// Registers our C2B confirmation and validation URLs with Daraja (docs/daraja.md §10.3), each with
// its own secret segment (urls.ts). Idempotent: the same URLs every time (derived from AUTH_SECRET),
// and a repeat registration that production refuses counts as done. `npm run mpesa:register-c2b`;
// the sandbox phone registers with the emulator on first use.
import type { Queryable } from '@/db/client';
import { callbackUrlProblem } from '@/lib/gateways/daraja/config';
import { paybillSettings } from '@/lib/env';
import { mpesaGateway } from '@/lib/payments/gateways';
import { c2bUrls } from './urls';

export type RegisterOutcome = { ok: boolean; message: string; confirmationUrl?: string; validationUrl?: string };

export async function registerC2bUrls(db: Queryable, env: NodeJS.ProcessEnv = process.env): Promise<RegisterOutcome> {
  const settings = paybillSettings(env);
  const shortCode = settings.businessNumber ?? settings.shortcodes[0];
  if (!shortCode) return { ok: false, message: 'No Paybill configured: set MPESA_SHORTCODE (or MPESA_PAYBILL_NUMBER).' };
  const urls = c2bUrls(settings.c2bBaseUrl);
  for (const url of [urls.confirmationUrl, urls.validationUrl]) {
    const problem = callbackUrlProblem(url);
    // Checked before sending, without printing the secret segment.
    if (problem) return { ok: false, message: `MPESA_C2B_URL ${problem} (Daraja would refuse it): ${settings.c2bBaseUrl}` };
  }
  const { daraja } = mpesaGateway(db, env);
  // "Completed": if our validation does not answer in time, M-Pesa completes the payment; the
  // confirmation then goes through matching like any other (docs/daraja.md §10.3).
  const result = await daraja.registerC2bUrls({ shortCode, responseType: 'Completed', ...urls });
  if (!result.ok) return { ok: false, message: `Daraja refused the registration: ${result.detail}` };
  return {
    ok: true,
    message: result.alreadyRegistered ? `Already registered for ${shortCode} (${result.detail}).` : `Registered the confirmation and validation URLs for ${shortCode}.`,
    ...urls,
  };
}
