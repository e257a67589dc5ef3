// The book file's columns: one source for the parser, the downloadable template and README.
export type ColumnKey =
  | 'client_id'
  | 'holder_name'
  | 'phone'
  | 'email'
  | 'national_id'
  | 'policy_number'
  | 'product'
  | 'product_class'
  | 'policy_status'
  | 'start_date'
  | 'end_date'
  | 'due_date'
  | 'amount'
  | 'agent'
  | 'commission_rate';

export type Column = { key: ColumnKey; required: boolean; meaning: string; example: string; aliases?: string[] };

export const COLUMNS: Column[] = [
  { key: 'client_id', required: true, meaning: "The core system's client id. Holders are matched by it alone, never by phone or email.", example: 'CL-000123', aliases: ['client', 'client_no', 'customer_id'] },
  { key: 'holder_name', required: true, meaning: "The policyholder's full name.", example: 'Achieng Otieno', aliases: ['name', 'holder', 'client_name'] },
  { key: 'phone', required: true, meaning: 'Kenyan mobile number in any usual form (0712 345 678, +254712345678).', example: '0712345678', aliases: ['phone_number', 'mobile', 'msisdn'] },
  { key: 'email', required: true, meaning: 'Email the holder signs in and gets receipts with. One email belongs to one client id.', example: 'achieng@example.com', aliases: ['email_address'] },
  { key: 'national_id', required: false, meaning: 'National ID or passport number (optional).', example: '12345678', aliases: ['id_number', 'national_id_number'] },
  { key: 'policy_number', required: true, meaning: 'Policy number as the core system writes it (letters, digits, - and /).', example: 'POL/2026/0001', aliases: ['policy', 'policy_no'] },
  { key: 'product', required: true, meaning: 'Product name. A new name creates the product.', example: 'Elimu Education Plan', aliases: ['product_name'] },
  { key: 'product_class', required: false, meaning: '`life` or `general`, used only when the row creates a product (blank: general, which has no grace period). Staff edit products afterwards.', example: 'life', aliases: ['class'] },
  { key: 'policy_status', required: true, meaning: '`active`, `cancelled`, `lapsed` or `matured`. Only active policies take payments and get reminders.', example: 'active', aliases: ['status'] },
  { key: 'start_date', required: true, meaning: 'Policy start date, YYYY-MM-DD or DD/MM/YYYY.', example: '2026-01-01', aliases: ['policy_start', 'inception_date'] },
  { key: 'end_date', required: true, meaning: 'Policy end date, YYYY-MM-DD or DD/MM/YYYY (not before the start).', example: '2026-12-31', aliases: ['policy_end', 'expiry_date'] },
  { key: 'due_date', required: true, meaning: 'This installment\'s due date, YYYY-MM-DD or DD/MM/YYYY. One row per installment; one installment per policy and date.', example: '2026-02-01', aliases: ['installment_due_date', 'due'] },
  { key: 'amount', required: true, meaning: 'Installment amount in KES, e.g. 1200.50 or 1,200.50 (at most two decimals).', example: '1,200.50', aliases: ['installment_amount', 'amount_kes'] },
  { key: 'agent', required: false, meaning: 'Selling agent, as the core system names or codes them (optional).', example: 'AG-017', aliases: ['agent_code', 'agent_name'] },
  { key: 'commission_rate', required: false, meaning: "Agent's commission in percent, e.g. 10 or 7.5% (optional; needs an agent).", example: '10', aliases: ['commission', 'commission_percent'] },
];

/** "Installment Due Date " -> "installment_due_date". */
export function normaliseHeader(h: string): string {
  return h
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

const BY_NAME = new Map<string, ColumnKey>();
for (const c of COLUMNS) {
  BY_NAME.set(c.key, c.key);
  for (const a of c.aliases ?? []) BY_NAME.set(a, c.key);
}

export function columnFor(header: string): ColumnKey | undefined {
  return BY_NAME.get(normaliseHeader(header));
}

/** The downloadable template: the header and two example installments of one policy. */
export function templateCsv(): string {
  const header = COLUMNS.map((c) => c.key).join(',');
  const row = (due: string) =>
    COLUMNS.map((c) => (c.key === 'due_date' ? due : c.example.includes(',') ? `"${c.example}"` : c.example)).join(',');
  return `${header}\r\n${row('2026-02-01')}\r\n${row('2026-03-01')}\r\n`;
}
