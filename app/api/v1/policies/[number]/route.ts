// Integration API: one policy (bearer API key; see lib/integration/routes.ts).
import { getPolicyRoute, putPolicyRoute } from '@/lib/integration/routes';

export const dynamic = 'force-dynamic';

export async function GET(req: Request, ctx: { params: Promise<{ number: string }> }) {
  return getPolicyRoute(req, (await ctx.params).number);
}

export async function PUT(req: Request, ctx: { params: Promise<{ number: string }> }) {
  return putPolicyRoute(req, (await ctx.params).number);
}
