// Sandbox only: the M-Pesa organisation portal's statement CSV for a day, as the emulator saw it
// (injected breaks applied). Staff who may upload statements download it and upload it back.
import { getDb } from '@/db/client';
import { darajaSandboxEnabled } from '@/lib/env';
import { isCalendarDate, todayInNairobi } from '@/lib/nairobi-time';
import { sandboxMpesaStatement } from '@/lib/sandbox/reconciliation';
import { requireStaffForRoute } from '@/lib/staff/session';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(req: Request) {
  if (!darajaSandboxEnabled()) return Response.json({}, { status: 404 });
  const { denied } = await requireStaffForRoute('recon.upload');
  if (denied) return denied;
  const asked = new URL(req.url).searchParams.get('day') ?? '';
  const day = isCalendarDate(asked) ? asked : todayInNairobi();
  const csv = await sandboxMpesaStatement(await getDb(), day);
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="mpesa-statement-${day}.csv"`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
