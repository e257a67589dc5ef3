// Prometheus scrape endpoint, behind `Authorization: Bearer $METRICS_TOKEN`.
import { getDb } from '@/db/client';
import { metricsAuthorised, scrape } from '@/lib/metrics-shared';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  if (!process.env.METRICS_TOKEN) return new Response('Metrics are off: set METRICS_TOKEN.\n', { status: 404 });
  if (!metricsAuthorised(req.headers.get('authorization'))) {
    return new Response('Bearer token required.\n', { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' } });
  }
  const { body, contentType } = await scrape(await getDb());
  return new Response(body, { headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } });
}
