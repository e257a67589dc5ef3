import { describe, expect, test } from 'vitest';
import nodemailer from 'nodemailer';
import { isPermanentSmtpError, mailerFromEnv, smtpMailer, smtpSettingsFromEnv } from './mailer';

const env = (e: Record<string, string>) => e as unknown as NodeJS.ProcessEnv;

describe('SMTP settings', () => {
  test('no SMTP_HOST: no mailer (the outbox keeps messages for the sandbox page)', () => {
    expect(smtpSettingsFromEnv(env({}))).toBeNull();
    expect(smtpSettingsFromEnv(env({ SMTP_HOST: '  ' }))).toBeNull();
    expect(mailerFromEnv(env({}))).toBeNull();
  });

  test('defaults: STARTTLS on 587; 465 means TLS; SMTP_SECURE wins', () => {
    expect(smtpSettingsFromEnv(env({ SMTP_HOST: 'smtp.example.com', SMTP_FROM: 'receipts@malipo.co.ke' }))).toEqual({
      host: 'smtp.example.com',
      port: 587,
      secure: false,
      user: undefined,
      password: undefined,
      from: '"Malipo Insurance" <receipts@malipo.co.ke>',
    });
    expect(smtpSettingsFromEnv(env({ SMTP_HOST: 'h', SMTP_PORT: '465', SMTP_FROM: 'a@b.ke' }))).toMatchObject({ port: 465, secure: true });
    expect(smtpSettingsFromEnv(env({ SMTP_HOST: 'h', SMTP_SECURE: 'true', SMTP_FROM: 'a@b.ke' }))).toMatchObject({ port: 465, secure: true });
    expect(smtpSettingsFromEnv(env({ SMTP_HOST: 'h', SMTP_PORT: '2525', SMTP_SECURE: 'false', SMTP_FROM: 'a@b.ke' }))).toMatchObject({ port: 2525, secure: false });
  });

  test('the sender: SMTP_FROM as given, else the SMTP user when it is an address', () => {
    expect(smtpSettingsFromEnv(env({ SMTP_HOST: 'h', SMTP_FROM: 'Malipo <no-reply@malipo.co.ke>' }))?.from).toBe('Malipo <no-reply@malipo.co.ke>');
    expect(smtpSettingsFromEnv(env({ SMTP_HOST: 'h', SMTP_USER: 'mailer@malipo.co.ke', SMTP_PASSWORD: 'x' }))).toMatchObject({
      from: '"Malipo Insurance" <mailer@malipo.co.ke>',
      user: 'mailer@malipo.co.ke',
      password: 'x',
    });
    expect(() => smtpSettingsFromEnv(env({ SMTP_HOST: 'h', SMTP_USER: 'apikey' }))).toThrow(/SMTP_FROM/);
  });

  test('broken values are refused loudly', () => {
    expect(() => smtpSettingsFromEnv(env({ SMTP_HOST: 'h', SMTP_FROM: 'a@b.ke', SMTP_PORT: 'abc' }))).toThrow(/SMTP_PORT/);
    expect(() => smtpSettingsFromEnv(env({ SMTP_HOST: 'h', SMTP_FROM: 'a@b.ke', SMTP_SECURE: 'maybe' }))).toThrow(/SMTP_SECURE/);
  });
});

describe('smtpMailer', () => {
  test('builds a real MIME message with the PDF attached (nodemailer stream transport)', async () => {
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    let raw = '';
    const spy = { sendMail: async (m: Parameters<typeof transport.sendMail>[0]) => {
      const info = await transport.sendMail(m);
      raw = (info.message as Buffer).toString();
      return info;
    } } as unknown as typeof transport;
    const settings = smtpSettingsFromEnv(env({ SMTP_HOST: 'h', SMTP_FROM: 'receipts@malipo.co.ke' }))!;
    await smtpMailer(settings, spy).send({
      to: 'wanjiku@example.com',
      subject: 'Payment received: KES 12,000.00',
      text: 'Hello Wanjiku,',
      attachments: [{ filename: 'malipo-receipt-MLP-1-ABCDEF.pdf', content: new TextEncoder().encode('%PDF-1.7 test'), contentType: 'application/pdf' }],
    });
    expect(raw).toContain('From: Malipo Insurance <receipts@malipo.co.ke>');
    expect(raw).toContain('To: wanjiku@example.com');
    expect(raw).toContain('Subject: Payment received: KES 12,000.00');
    expect(raw).toMatch(/Content-Type: application\/pdf; name=malipo-receipt-MLP-1-ABCDEF\.pdf/);
    expect(raw).toContain(Buffer.from('%PDF-1.7 test').toString('base64'));
  });

  test('5xx answers are permanent, 4xx and network errors are not', () => {
    expect(isPermanentSmtpError(Object.assign(new Error('no such user'), { responseCode: 550 }))).toBe(true);
    expect(isPermanentSmtpError(Object.assign(new Error('try later'), { responseCode: 451 }))).toBe(false);
    expect(isPermanentSmtpError(new Error('ECONNREFUSED'))).toBe(false);
  });
});
