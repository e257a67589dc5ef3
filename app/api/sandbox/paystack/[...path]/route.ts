// The built-in Paystack sandbox (lib/sandbox/paystack/emulator.ts), served only while no real
// PAYSTACK_SECRET_KEY is configured. The Paystack client reaches it through the undici dispatcher
// that reroutes api.paystack.co to `${appOrigin()}/api/sandbox/paystack` (docs/paystack.md §12.5).
import { after } from 'next/server';

import { getDb } from '@/db/client';
import { appOrigin, paystackSandboxEnabled } from '@/lib/env';
import { paystackConfigFromEnv } from '@/lib/gateways/paystack/config';
import { handlePaystackSandbox } from '@/lib/sandbox/paystack/emulator';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ path: string[] }> };

async function handle(req: Request, ctx: Context): Promise<Response> {
  if (!paystackSandboxEnabled()) return Response.json({ status: false, message: 'Not found' }, { status: 404 });
  const { path } = await ctx.params;
  const origin = appOrigin();
  return handlePaystackSandbox(req, path, {
    db: await getDb(),
    secretKey: paystackConfigFromEnv(process.env, origin).secretKey,
    appOrigin: origin,
    // Webhooks and refund processing happen after the answer, as on Paystack.
    background: (task) => after(task),
  });
}

export const GET = handle;
export const POST = handle;
