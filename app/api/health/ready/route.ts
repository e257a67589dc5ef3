// Readiness: 200 when this instance should get traffic, 503 (with each check) when not.
import { checkReadiness } from '@/lib/health';

export const dynamic = 'force-dynamic';

export async function GET() {
  const result = await checkReadiness();
  return Response.json(
    { status: result.ready ? 'ready' : 'not_ready', checks: result.checks },
    { status: result.ready ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
}
