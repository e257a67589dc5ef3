// The integration API's OpenAPI 3.1 document, generated from its zod schemas.
import { openApiRoute } from '@/lib/integration/routes';

export const dynamic = 'force-dynamic';

export function GET() {
  return openApiRoute();
}
