// Daraja's C2B validation (docs/daraja.md §10.3): asked before the money moves, only when
// Safaricom enabled external validation. Answered within 2 s (Daraja waits about 8).
import { getDb } from '@/db/client';
import { handleC2bValidation } from '@/lib/paybill/confirmation';

export const dynamic = 'force-dynamic';

export async function POST(req: Request, ctx: { params: Promise<{ secret: string }> }) {
  const { secret } = await ctx.params;
  if (Number(req.headers.get('content-length') ?? 0) > 64 * 1024) return Response.json({ ResultCode: 'C2B00016', ResultDesc: 'Body too large' }, { status: 413 });
  const answer = await handleC2bValidation(await getDb(), { secret, rawBody: await req.text() });
  return Response.json(answer.body, { status: answer.status });
}
