// The benchmark's framework floor (scripts/bench/callbacks.ts): the same work as the STK callback
// route minus everything of ours — Next routes the POST, the body is read, the same JSON ack goes
// back — so "our callbacks/s ÷ this" is the share of the framework's ceiling we keep.
// Exists only in a server started with MALIPO_BENCH=1; everywhere else it answers 404.
export const dynamic = 'force-dynamic';

export async function POST(req: Request) {
  if (process.env.MALIPO_BENCH !== '1') return new Response('Not found', { status: 404 });
  await req.text();
  return Response.json({ ResultCode: 0, ResultDesc: 'Accepted' });
}
