// Sending email over SMTP (nodemailer). Unconfigured (no SMTP_HOST): there is no mailer, and
// messages stay in the outbox for the sandbox page instead.
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { z } from 'zod';
import { INSURER_NAME } from '@/lib/receipts/constants';

export type OutgoingAttachment = { filename: string; content: Uint8Array; contentType: string };
export type OutgoingMail = { to: string; subject: string; text: string; html?: string | null; attachments: OutgoingAttachment[] };

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

export type SmtpSettings = { host: string; port: number; secure: boolean; user?: string; password?: string; from: string };

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const smtpEnv = z.object({
  SMTP_HOST: z.preprocess(blank, z.string().trim().optional()),
  SMTP_PORT: z.preprocess(blank, z.coerce.number().int().min(1).max(65535).optional()),
  SMTP_USER: z.preprocess(blank, z.string().optional()),
  SMTP_PASSWORD: z.preprocess(blank, z.string().optional()),
  SMTP_FROM: z.preprocess(blank, z.string().trim().optional()),
  SMTP_SECURE: z.preprocess(blank, z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional()),
});

/** SMTP settings from the environment; null when SMTP_HOST is not set. Throws on a broken setting. */
export function smtpSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): SmtpSettings | null {
  const parsed = smtpEnv.safeParse(env);
  if (!parsed.success) {
    throw new Error(`SMTP settings are not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  if (!e.SMTP_HOST) return null;
  // Port 465 speaks TLS from the first byte; 587 and 25 upgrade with STARTTLS.
  const secure = e.SMTP_SECURE ? ['true', '1', 'yes'].includes(e.SMTP_SECURE) : e.SMTP_PORT === 465;
  const port = e.SMTP_PORT ?? (secure ? 465 : 587);
  const fromAddress = e.SMTP_FROM ?? (e.SMTP_USER?.includes('@') ? e.SMTP_USER : undefined);
  if (!fromAddress) throw new Error('SMTP_FROM must be set (the address emails come from).');
  const from = fromAddress.includes('<') ? fromAddress : `"${INSURER_NAME}" <${fromAddress}>`;
  return { host: e.SMTP_HOST, port, secure, user: e.SMTP_USER, password: e.SMTP_PASSWORD, from };
}

export function smtpMailer(settings: SmtpSettings, transport?: Transporter): Mailer {
  const t =
    transport ??
    nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
      // Well inside the job lease (60 s), so a hung server cannot make two workers send the same mail.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  return {
    async send(mail) {
      await t.sendMail({
        from: settings.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html ?? undefined,
        attachments: mail.attachments.map((a) => ({ filename: a.filename, content: Buffer.from(a.content), contentType: a.contentType })),
      });
    },
  };
}

let cached: { key: string; mailer: Mailer | null } | undefined;

/** The configured mailer (one transport per process), or null when SMTP is not configured. */
export function mailerFromEnv(env: NodeJS.ProcessEnv = process.env): Mailer | null {
  const settings = smtpSettingsFromEnv(env);
  const key = JSON.stringify(settings);
  if (cached?.key !== key) cached = { key, mailer: settings ? smtpMailer(settings) : null };
  return cached.mailer;
}

/** SMTP 5xx answers are final (e.g. no such mailbox): retrying cannot help. */
export function isPermanentSmtpError(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
