// Integration API: payments and refunds changed since a cursor (bearer API key; lib/integration/routes.ts).
import { listPaymentsRoute } from '@/lib/integration/routes';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  return listPaymentsRoute(req);
}
