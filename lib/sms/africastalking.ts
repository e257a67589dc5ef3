// Africa's Talking SMS client: POST {base}/version1/messaging, form-encoded, JSON answer
// (/work/shared/docs/africastalking.md). Our own small fetch client rather than the official
// `africastalking` package: that package hard-codes its hosts (api[.sandbox].africastalking.com,
// switched by a process-wide enableSandbox()), sends through axios so no dispatcher can redirect
// it, and pulls in axios, joi, lodash, body-parser and google-libphonenumber for one POST.
import { z } from 'zod';
import type { SmsConfig } from './config';

const recipient = z.object({
  statusCode: z.coerce.number().int(),
  number: z.string(),
  status: z.string(),
  cost: z.string().optional().default(''),
  messageId: z.string().optional().default('None'),
});
const sendAnswer = z.object({
  SMSMessageData: z.object({ Message: z.string().optional().default(''), Recipients: z.array(recipient) }),
});

export type SendOutcome =
  /** Taken by the gateway (100 Processed, 101 Sent, 102 Queued). */
  | { kind: 'accepted'; messageId: string; status: string; cost: string }
  /** Refused for this number for good (invalid number, blacklist, DND...). */
  | { kind: 'rejected'; status: string; statusCode: number }
  /** Worth trying again later (405 InsufficientBalance, 5xx, network, auth). */
  | { kind: 'retry'; error: string };

export type SmsSender = { send(to: string, message: string): Promise<SendOutcome> };

/** '2547XXXXXXXX' (how we store numbers) -> '+2547XXXXXXXX' (how Africa's Talking wants them). */
export function international(msisdn: string) {
  return msisdn.startsWith('+') ? msisdn : `+${msisdn}`;
}

export function createAfricasTalkingClient(config: SmsConfig, opts: { timeoutMs?: number; fetch?: typeof fetch } = {}): SmsSender {
  const doFetch = opts.fetch ?? fetch;
  return {
    async send(to, message) {
      const form = new URLSearchParams({ username: config.username, to: international(to), message });
      if (config.senderId) form.set('from', config.senderId);
      let res: Response;
      try {
        res = await doFetch(`${config.baseUrl}/version1/messaging`, {
          method: 'POST',
          headers: { apiKey: config.apiKey, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
          body: form,
          signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
        });
      } catch (err) {
        return { kind: 'retry', error: `Africa's Talking unreachable: ${err instanceof Error ? err.message : String(err)}` };
      }
      const text = await res.text();
      if (!res.ok) return { kind: 'retry', error: `Africa's Talking answered HTTP ${res.status}: ${text.slice(0, 200)}` };
      let parsed;
      try {
        parsed = sendAnswer.safeParse(JSON.parse(text));
      } catch {
        parsed = null;
      }
      if (!parsed?.success) return { kind: 'retry', error: `Africa's Talking answered something unexpected: ${text.slice(0, 200)}` };
      const r = parsed.data.SMSMessageData.Recipients[0];
      if (!r) return { kind: 'retry', error: `Africa's Talking listed no recipient: ${parsed.data.SMSMessageData.Message}` };
      if (r.statusCode >= 100 && r.statusCode <= 102) return { kind: 'accepted', messageId: r.messageId, status: r.status, cost: r.cost };
      if (r.statusCode === 405 || r.statusCode >= 500) return { kind: 'retry', error: `${r.statusCode} ${r.status}` };
      return { kind: 'rejected', status: r.status, statusCode: r.statusCode };
    },
  };
}
