// Structured logs: one JSON line per event (pino). Every line that concerns money carries the
// request id that started it (a gateway callback and the job that applies it share one), the
// payment id, the gateway, the outcome and how long it took. Personal data and secrets never reach
// a line: keys on the redaction list are censored wherever they sit, and error messages (which
// can quote SQL parameters) are scrubbed of phone numbers, emails and card numbers.
import pino, { type DestinationStream, type Logger } from 'pino';

/** Keys whose values never appear in a log, at the top level or one/two levels down. */
const SENSITIVE_KEYS = [
  'phone', 'phoneNumber', 'PhoneNumber', 'msisdn', 'MSISDN', 'PartyA', 'partyA',
  'email', 'toEmail', 'to', 'customer', 'authorization', 'authorization_code', 'authorizationCode',
  'card', 'cardNumber', 'number', 'pan', 'cvv', 'pin', 'password', 'passwordHash',
  'token', 'accessToken', 'access_token', 'secret', 'secretKey', 'Password', 'passkey',
  'cookie', 'headers.authorization', 'headers.cookie', 'headers["x-paystack-signature"]', 'raw', 'rawBody',
];
export const REDACT_PATHS = SENSITIVE_KEYS.flatMap((k) => (k.includes('.') ? [k, `*.${k}`] : [k, `*.${k}`, `*.*.${k}`]));

const PHONE = /(?<![\w+])(?:\+?254|0)?[17]\d{8}\b/g;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const CARD = /\b(?:\d[ -]?){12,18}\d\b/g;
const BEARER = /(Bearer|Basic)\s+[\w.~+/=-]+/gi;
// Integration API keys and webhook signing secrets (lib/integration/), wherever they appear in text.
const APP_SECRET = /\b(mlp_key_|whsec_)[A-Za-z0-9_-]+/g;

/** Masks anything in free text that looks like personal data or a credential. */
export function scrub(text: string): string {
  return text.replace(BEARER, '$1 [Redacted]').replace(APP_SECRET, '$1[Redacted]').replace(EMAIL, '[email]').replace(CARD, '[number]').replace(PHONE, '[phone]');
}

/** Errors keep their type, code and scrubbed message/stack; never their extra properties (SQL params). */
function errSerializer(err: unknown) {
  if (!(err instanceof Error)) return { message: scrub(String(err)) };
  const cause = err.cause instanceof Error ? err.cause : undefined;
  const code = (err as { code?: unknown }).code ?? (cause as { code?: unknown } | undefined)?.code;
  return {
    type: err.name,
    message: scrub(err.message),
    ...(code ? { code: String(code) } : {}),
    ...(cause ? { cause: scrub(cause.message) } : {}),
    stack: err.stack ? scrub(err.stack) : undefined,
  };
}

function destination(): DestinationStream | undefined {
  // LOG_FILE: append every line to a file as well (the redaction check reads a whole test run's log).
  const file = process.env.LOG_FILE;
  const pretty = process.env.NODE_ENV === 'development' && !file && process.env.LOG_PRETTY !== '0';
  if (file) return pino.destination({ dest: file, append: true, sync: true, mkdir: true });
  if (pretty) {
    try {
      // Required lazily: production never loads it. Synchronous stream, no worker thread.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const pinoPretty = require('pino-pretty') as (o: object) => DestinationStream;
      return pinoPretty({ colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', sync: true });
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** A logger with this app's redaction and serializers; `dest` for tests. */
export function createLogger(dest: DestinationStream | undefined = destination()): Logger {
  return pino(
    {
      // Tests: everything when the log goes to a file (the redaction check reads it), else only trouble.
      level: process.env.LOG_LEVEL || (process.env.NODE_ENV === 'test' ? (process.env.LOG_FILE ? 'debug' : 'warn') : 'info'),
      base: { service: 'malipo', pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
      serializers: { err: errSerializer, error: errSerializer },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    dest,
  );
}

// One logger per process, shared across Next's separately bundled chunks.
const KEY = Symbol.for('malipo.log');
type G = typeof globalThis & { [KEY]?: Logger };
export const log: Logger = ((globalThis as G)[KEY] ??= createLogger());

/** A request id from the caller's X-Request-Id when it is a sane token, else a new one. */
export function requestIdFrom(headers?: Headers | null): string {
  const given = headers?.get('x-request-id');
  return given && /^[\w.:-]{1,64}$/.test(given) ? given : crypto.randomUUID();
}
