// The built-in Africa's Talking SMS emulator (lib/sandbox/africastalking/emulator.ts), served only
// while no AT_API_KEY is configured. Base URL for the SMS client: `${appOrigin()}/api/sandbox/africastalking`.
import { appOrigin } from '@/lib/env';
import { handleAtSandbox } from '@/lib/sandbox/africastalking/emulator';
import { smsCallbackSecret, smsSandboxEnabled } from '@/lib/sms/config';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ path: string[] }> };

async function handle(req: Request, ctx: Context): Promise<Response> {
  if (!smsSandboxEnabled()) return new Response('Not Found', { status: 404 });
  const { path } = await ctx.params;
  return handleAtSandbox(req, path, {
    deliveryUrl: `${appOrigin()}/api/v1/sms/delivery/${smsCallbackSecret()}`,
    background: (task) => void task.catch(() => {}),
  });
}

export const GET = handle;
export const POST = handle;
