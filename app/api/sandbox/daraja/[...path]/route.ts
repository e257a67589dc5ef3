// The built-in Daraja sandbox (lib/sandbox/daraja/emulator.ts), served only while no real
// M-Pesa credentials are configured. Base URL for the Daraja client: `${appOrigin()}/api/sandbox/daraja`.
import { getDb } from '@/db/client';
import { darajaSandboxEnabled } from '@/lib/env';
import { handleDarajaSandbox } from '@/lib/sandbox/daraja/emulator';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ path: string[] }> };

async function handle(req: Request, ctx: Context): Promise<Response> {
  if (!darajaSandboxEnabled()) return Response.json({}, { status: 404 });
  const { path } = await ctx.params;
  return handleDarajaSandbox(req, path, { db: await getDb() });
}

export const GET = handle;
export const POST = handle;
// Daraja answers any other method with its own 405.001 body (docs/daraja.md §1).
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
