// A small Africa's Talking SMS emulator, served over real HTTP on our own origin while no AT_API_KEY
// is set, so the real client code path (form POST, apiKey header, JSON answer, delivery reports)
// runs in development and tests. Answers follow /work/shared/docs/africastalking.md.
//
// Fault numbers: +254700000403 InvalidPhoneNumber, +254700000406 UserInBlacklist (both refused
// for good), +254700000405 InsufficientBalance (retryable), +254700000410 accepted but the
// delivery report says Failed (DeliveryFailure). Every other Kenyan mobile number: Success.
import crypto from 'node:crypto';
import { SANDBOX_AT_API_KEY, SANDBOX_AT_USERNAME } from '@/lib/sms/config';

export type AtSandboxDeps = {
  /** Where delivery reports go (our own /api/v1/sms/delivery/<secret>). */
  deliveryUrl: string;
  /** Work after the answer (the delivery report), like a gateway posting it a moment later. */
  background: (task: Promise<unknown>) => void;
  reportDelayMs?: number;
};

const REFUSED: Record<string, { statusCode: number; status: string }> = {
  '+254700000403': { statusCode: 403, status: 'InvalidPhoneNumber' },
  '+254700000406': { statusCode: 406, status: 'UserInBlacklist' },
  '+254700000405': { statusCode: 405, status: 'InsufficientBalance' },
};
const UNDELIVERABLE = '+254700000410';

export async function handleAtSandbox(req: Request, path: string[], deps: AtSandboxDeps): Promise<Response> {
  if (req.method !== 'POST' || path.join('/') !== 'version1/messaging') return new Response('Not Found', { status: 404 });
  const form = new URLSearchParams(await req.text());
  if (req.headers.get('apikey') !== SANDBOX_AT_API_KEY || form.get('username') !== SANDBOX_AT_USERNAME) {
    return new Response('The supplied authentication is invalid', { status: 401, headers: { 'Content-Type': 'text/plain' } });
  }
  const message = form.get('message') ?? '';
  const to = (form.get('to') ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  if (!message || !to.length) return new Response('Request is missing required form field', { status: 400, headers: { 'Content-Type': 'text/plain' } });

  const recipients = to.map((number) => {
    const refused = REFUSED[number] ?? (/^\+254[17]\d{8}$/.test(number) ? null : { statusCode: 403, status: 'InvalidPhoneNumber' });
    if (refused) return { statusCode: refused.statusCode, number, status: refused.status, cost: '0', messageId: 'None' };
    const messageId = `ATXid_${crypto.randomBytes(16).toString('hex')}`;
    const failed = number === UNDELIVERABLE;
    deps.background(report(deps, { id: messageId, phoneNumber: number, status: failed ? 'Failed' : 'Success', failed }));
    return { statusCode: 101, number, status: 'Success', cost: 'KES 0.8000', messageId };
  });
  const sent = recipients.filter((r) => r.statusCode === 101).length;
  const total = recipients.filter((r) => r.statusCode === 101).length * 0.8;
  return Response.json(
    { SMSMessageData: { Message: `Sent to ${sent}/${to.length} Total Cost: KES ${total.toFixed(4)}`, Recipients: recipients } },
    { status: 201 },
  );
}

async function report(deps: AtSandboxDeps, r: { id: string; phoneNumber: string; status: string; failed: boolean }) {
  await new Promise((res) => setTimeout(res, deps.reportDelayMs ?? 300));
  const body = new URLSearchParams({ id: r.id, status: r.status, phoneNumber: r.phoneNumber, networkCode: '99999', retryCount: '0' });
  if (r.failed) body.set('failureReason', 'DeliveryFailure');
  try {
    await fetch(deps.deliveryUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
  } catch (err) {
    console.warn('[sandbox:africastalking] delivery report not delivered:', err instanceof Error ? err.message : err);
  }
}
