// Reads the log of a whole test run (LOG_FILE, see package.json "test") and fails if personal data
// or a secret reached it. First it proves the log is worth checking: not empty, every line JSON,
// and it covers payments (callbacks received and applied under one request id, webhooks). Then it
// looks for the test data itself: every phone number the tests use in every form (07…, 7…, 2547…,
// +2547…, spaced), every email, the test card numbers, and the secrets and passwords.
//   usage: tsx scripts/check-log-redaction.ts <log file>
import fs from 'node:fs';
import path from 'node:path';

const file = process.argv[2] ?? process.env.LOG_FILE;
if (!file) fail('usage: check-log-redaction <log file>');
if (!fs.existsSync(file)) fail(`${file} does not exist: was the suite run with LOG_FILE set?`);
const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);

function fail(message: string): never {
  console.error(`log redaction check FAILED: ${message}`);
  process.exit(1);
}

// 1. The log is real and covers payments.
if (lines.length < 50) fail(`only ${lines.length} log lines in ${file}`);
type Line = Record<string, unknown>;
const parsed: Line[] = lines.map((l, i) => {
  try {
    return JSON.parse(l) as Line;
  } catch {
    fail(`line ${i + 1} is not JSON (every log line must be one JSON object)`);
  }
});
const of = (event: string, gateway?: string) => parsed.filter((l) => l.event === event && (!gateway || l.gateway === gateway));
const received = of('callback.received', 'daraja');
const applied = of('callback.applied', 'daraja');
const webhooks = of('webhook.received', 'paystack');
const payments = new Set(parsed.map((l) => l.paymentId).filter(Boolean));
const appliedIds = new Set(applied.map((l) => l.requestId));
const sharedIds = new Set(received.map((l) => l.requestId).filter((id) => appliedIds.has(id)));
if (received.length < 5) fail(`only ${received.length} STK callbacks logged as received`);
if (applied.length < 5) fail(`only ${applied.length} STK callbacks logged as applied`);
if (webhooks.length < 3) fail(`only ${webhooks.length} Paystack webhooks logged`);
if (payments.size < 5) fail(`only ${payments.size} distinct payments in the log`);
if (sharedIds.size < 3) fail('callbacks and their apply jobs do not share request ids');
for (const l of [...received, ...applied, ...webhooks]) {
  for (const key of ['requestId', 'outcome', 'durationMs']) if (!(key in l)) fail(`a ${String(l.event)} line lacks ${key}`);
}

// 2. The test data, gathered from the sources that define it.
const root = path.resolve(__dirname, '..');
const sources = ['tests', 'e2e', 'faults', 'smoke', 'db/seed.ts', 'lib', 'scripts/bench']
  .map((p) => path.join(root, p))
  .flatMap((p) => (fs.existsSync(p) ? walk(p) : []))
  .map((f) => fs.readFileSync(f, 'utf8'))
  .join('\n');
function walk(p: string): string[] {
  if (fs.statSync(p).isFile()) return /\.(ts|tsx)$/.test(p) ? [p] : [];
  return fs.readdirSync(p).flatMap((n) => (n === 'node_modules' ? [] : walk(path.join(p, n))));
}

const cores = new Set<string>(); // 9 digits after the country code, e.g. 712345678
for (const m of sources.matchAll(/(?<!\d)(?:\+?254|0)([17]\d{8})(?!\d)/g)) cores.add(m[1]);
const phoneForms = (c: string) => [
  { form: '07…', re: new RegExp(`(?<!\\d)0${c}(?!\\d)`) },
  { form: '7…', re: new RegExp(`(?<![\\d])${c}(?!\\d)`) },
  { form: '2547…', re: new RegExp(`(?<![\\d+])254${c}(?!\\d)`) },
  { form: '+2547…', re: new RegExp(`\\+254${c}(?!\\d)`) },
  { form: 'spaced', re: new RegExp(`${c.slice(0, 3)}[ -]${c.slice(3, 6)}[ -]${c.slice(6)}(?!\\d)`) },
];
const emails = new Set([...sources.matchAll(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g)].map((m) => m[0].toLowerCase()).filter((e) => !e.endsWith('.ts')));
const cards = new Set([...sources.matchAll(/(?<!\d)(?:4\d{3}|5[1-5]\d{2})(?:[ -]?\d{4}){3}(?!\d)/g)].map((m) => m[0].replace(/\D/g, '')));
const secrets = [
  'integration-test-secret',
  'malipo-demo',
  'malipo-staff',
  'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919', // Daraja sandbox passkey
  'sandbox-secret',
  'metrics-test-token',
  'smoke-metrics-token',
];
const patterns: { what: string; re: RegExp }[] = [
  ...[...cores].flatMap((c) => phoneForms(c).map((f) => ({ what: `phone ${f.form} (…${c.slice(-3)})`, re: f.re }))),
  ...[...emails].map((e) => ({ what: `email ${e.replace(/^(.).*@/, '$1…@')}`, re: new RegExp(e.replace(/[.+]/g, '\\$&'), 'i') })),
  { what: 'any test-domain email', re: /@(example\.com|malipo\.test)\b/i },
  ...[...cards].flatMap((c) => [
    { what: `card …${c.slice(-4)}`, re: new RegExp(c) },
    { what: `card …${c.slice(-4)} spaced`, re: new RegExp(c.match(/.{4}/g)!.join('[ -]')) },
  ]),
  ...secrets.map((s) => ({ what: `secret ${s.slice(0, 4)}…`, re: new RegExp(s.replace(/[-]/g, '\\-')) })),
  { what: 'Paystack key', re: /\b[sp]k_(test|live)_[A-Za-z0-9]{8,}/ },
  { what: 'integration API key or webhook secret', re: /\b(mlp_key_|whsec_)(?!\[Redacted\])[A-Za-z0-9_-]{8,}/ },
  { what: 'bearer credential', re: /(Bearer|Basic) (?!\[Redacted\])[A-Za-z0-9._~+/=-]{8,}/ },
  { what: 'password hash', re: /\$(argon2|2[aby]|scrypt)\$|scrypt:[A-Za-z0-9+/=]{16,}/ },
];

const hits = new Map<string, number[]>();
lines.forEach((line, i) => {
  for (const p of patterns) if (p.re.test(line)) hits.set(p.what, [...(hits.get(p.what) ?? []), i + 1]);
});
// Keys that must only ever hold the censor.
parsed.forEach((l, i) => {
  const walkObj = (o: unknown, at: string) => {
    if (!o || typeof o !== 'object') return;
    for (const [k, v] of Object.entries(o)) {
      if (/^(password|token|secret|phone|email|msisdn|authorization)$/i.test(k) && v !== '[Redacted]' && v != null) {
        hits.set(`unredacted key ${at}${k}`, [...(hits.get(`unredacted key ${at}${k}`) ?? []), i + 1]);
      }
      walkObj(v, `${at}${k}.`);
    }
  };
  walkObj(l, '');
});

console.log(
  `log redaction check: ${lines.length} lines, ${received.length} callbacks received / ${applied.length} applied, ${webhooks.length} webhooks, ` +
    `${payments.size} payments, ${sharedIds.size} request ids shared by a callback and its apply job; ` +
    `looked for ${cores.size} phones × 5 forms, ${emails.size} emails, ${cards.size} card numbers, ${secrets.length} secrets`,
);
if (hits.size) {
  for (const [what, at] of hits) console.error(`  ${what}: line(s) ${at.slice(0, 10).join(', ')}${at.length > 10 ? ` and ${at.length - 10} more` : ''}`);
  fail(`${hits.size} kind(s) of sensitive data found in ${file}`);
}
console.log('log redaction check passed');
