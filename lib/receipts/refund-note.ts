// A refund note: the document for money we returned, numbered by the database when the refund is
// processed (migration 0011), referring to the receipt of the payment it came from. The receipt
// itself never changes. Access goes through getPayment(viewer): a holder only gets their own notes.
import { and, eq } from 'drizzle-orm';
import { PDFDocument, rgb, StandardFonts, type PDFFont, type RGB } from 'pdf-lib';
import QRCode from 'qrcode';
import type { Queryable } from '@/db/client';
import { refunds, users } from '@/db/schema';
import { appOrigin } from '@/lib/env';
import { formatDateTime } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { cardLabel } from '@/lib/payments/card/card-label';
import { getPayment } from '@/lib/payments/queries';
import type { Viewer } from '@/lib/viewer';
import { amountInWords } from './amount-in-words';
import { INSURER_NAME, INSURER_TAGLINE } from './constants';
import { receiptVerifyPath } from './receipt-number';

export type RefundNoteData = {
  refundId: string;
  noteNo: string;
  receiptNo: string;
  paymentReference: string;
  policyNumber: string;
  product: string;
  payerName: string;
  amountMinor: number;
  paymentAmountMinor: number;
  refundedAt: Date;
  /** How the money went back: the M-Pesa pay-out code, or the card. */
  returnedBy: string;
  reason: string;
  verifyUrl: string;
};

export function refundNoteFilename(noteNo: string) {
  return `malipo-refund-note-${noteNo}.pdf`;
}

/** The note for a processed refund the viewer may see; null otherwise (the caller answers 404). */
export async function loadRefundNote(db: Queryable, viewer: Viewer, refundId: string, origin = appOrigin()): Promise<RefundNoteData | null> {
  if (!/^[0-9a-f-]{36}$/i.test(refundId)) return null;
  const [refund] = await db.select().from(refunds).where(and(eq(refunds.id, refundId), eq(refunds.status, 'processed')));
  if (!refund?.noteNo) return null;
  const row = await getPayment(db, viewer, refund.paymentId);
  const receiptNo = row?.payment.receiptNo;
  if (!row || !receiptNo) return null;
  const p = row.payment;
  const [payer] = await db.select({ name: users.name }).from(users).where(eq(users.id, p.userId));
  return {
    refundId: refund.id,
    noteNo: refund.noteNo,
    receiptNo,
    paymentReference: p.reference,
    policyNumber: row.policyNumber,
    product: row.product,
    payerName: payer?.name ?? '',
    amountMinor: refund.amountMinor,
    paymentAmountMinor: p.amountMinor,
    refundedAt: refund.completedAt ?? refund.updatedAt,
    returnedBy: p.method === 'mpesa' ? `M-Pesa${refund.gatewayReference ? `, pay-out ${refund.gatewayReference}` : ''}` : `To the card, ${cardLabel(p.cardBrand, p.cardLast4)}`,
    reason: refund.reason,
    verifyUrl: `${origin}${receiptVerifyPath(refund.noteNo, true)}`,
  };
}

const A5: [number, number] = [419.53, 595.28];
const MARGIN = 32;
const INK = rgb(0.06, 0.09, 0.16);
const MUTED = rgb(0.39, 0.45, 0.55);
const SLATE = rgb(0.2, 0.25, 0.33);
const TINT = rgb(0.945, 0.961, 0.976);

export async function renderRefundNotePdf(n: RefundNoteData): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${INSURER_NAME} refund note ${n.noteNo}`);
  doc.setAuthor(INSURER_NAME);
  doc.setSubject(`Refund against receipt ${n.receiptNo}`);
  doc.setCreator('Malipo');
  doc.setProducer('Malipo');
  doc.setCreationDate(n.refundedAt);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const italic = await doc.embedFont(StandardFonts.HelveticaOblique);
  const qr = await doc.embedPng(await QRCode.toBuffer(n.verifyUrl, { type: 'png', errorCorrectionLevel: 'M', margin: 1, width: 240 }));
  const [W, H] = A5;
  const inner = W - 2 * MARGIN;
  const page = doc.addPage(A5);
  const known = new Set(regular.getCharacterSet());
  const safe = (s: string) => Array.from(s.normalize('NFC'), (ch) => (known.has(ch.codePointAt(0)!) ? ch : '?')).join('');
  const text = (s: string, x: number, y: number, o: { font?: PDFFont; size?: number; color?: RGB } = {}) =>
    page.drawText(safe(s), { x, y, font: o.font ?? regular, size: o.size ?? 9.5, color: o.color ?? INK });
  const right = (s: string, xr: number, y: number, o: { font?: PDFFont; size?: number; color?: RGB } = {}) =>
    text(s, xr - (o.font ?? regular).widthOfTextAtSize(safe(s), o.size ?? 9.5), y, o);
  const wrap = (s: string, font: PDFFont, size: number, max: number, anywhere = false) => {
    const out: string[] = [];
    let line = '';
    for (const part of anywhere ? Array.from(safe(s)) : safe(s).split(/\s+/)) {
      const next = line ? (anywhere ? line + part : `${line} ${part}`) : part;
      if (line && font.widthOfTextAtSize(next, size) > max) {
        out.push(line);
        line = part;
      } else line = next;
    }
    if (line) out.push(line);
    return out;
  };

  page.drawRectangle({ x: 0, y: H - 70, width: W, height: 70, color: SLATE });
  text(INSURER_NAME, MARGIN, H - 33, { font: bold, size: 18, color: rgb(1, 1, 1) });
  text(INSURER_TAGLINE, MARGIN, H - 49, { size: 8.5, color: rgb(0.85, 0.88, 0.92) });
  right('REFUND NOTE', W - MARGIN, H - 31, { font: bold, size: 10, color: rgb(1, 1, 1) });
  let y = H - 96;
  text('Refund note number', MARGIN, y, { size: 8, color: MUTED });
  right('Refunded on', W - MARGIN, y, { size: 8, color: MUTED });
  y -= 14;
  text(n.noteNo, MARGIN, y, { font: bold, size: 11.5 });
  right(formatDateTime(n.refundedAt), W - MARGIN, y, { font: bold, size: 10 });
  y -= 20;

  const words = wrap(amountInWords(n.amountMinor), italic, 9.5, inner - 28);
  const boxH = 50 + words.length * 12.5;
  page.drawRectangle({ x: MARGIN, y: y - boxH, width: inner, height: boxH, color: TINT, borderColor: rgb(0.8, 0.84, 0.88), borderWidth: 1 });
  text('Amount refunded', MARGIN + 14, y - 16, { size: 8, color: MUTED });
  text(formatKes(n.amountMinor), MARGIN + 14, y - 37, { font: bold, size: 20 });
  words.forEach((w, i) => text(w, MARGIN + 14, y - 54 - i * 12.5, { font: italic, size: 9.5 }));
  y -= boxH + 20;

  const rows: Array<[string, string, string | null]> = [
    ['Refunded to', n.payerName || 'Policyholder', null],
    ['Against receipt', n.receiptNo, `${formatKes(n.paymentAmountMinor)} received · our reference ${n.paymentReference}. That receipt is unchanged.`],
    ['Policy', n.policyNumber, n.product],
    ['Returned by', n.returnedBy, null],
    ['Reason', n.reason, null],
  ];
  for (const [label, value, sub] of rows) {
    const lines = wrap(value, bold, 9.5, inner - 96);
    const subLines = sub ? wrap(sub, regular, 8.5, inner - 96) : [];
    text(label, MARGIN, y, { size: 8.5, color: MUTED });
    lines.forEach((l, i) => text(l, MARGIN + 96, y - i * 12, { font: bold }));
    subLines.forEach((l, i) => text(l, MARGIN + 96, y - (lines.length + i) * 12, { size: 8.5, color: MUTED }));
    y -= (lines.length + subLines.length) * 12 + 6;
  }

  const qrSize = 62;
  page.drawImage(qr, { x: MARGIN, y: 36, width: qrSize, height: qrSize });
  const fx = MARGIN + qrSize + 14;
  const fw = W - MARGIN - fx;
  text('Check that this refund note is genuine', fx, 36 + qrSize - 10, { font: bold, size: 9.5 });
  wrap(n.verifyUrl, regular, 7, fw, true).forEach((l, i) => text(l, fx, 36 + qrSize - 26 - i * 9, { size: 7, color: SLATE }));
  const small = `${INSURER_NAME}. Issued electronically; valid without a signature.`;
  page.drawText(safe(small), { x: (W - regular.widthOfTextAtSize(small, 7)) / 2, y: 18, size: 7, font: regular, color: MUTED });
  return doc.save();
}

/** The HTTP answer for "download my refund note". */
export async function refundNoteResponse(db: Queryable, viewer: Viewer | null, refundId: string, origin?: string): Promise<Response> {
  const headers = { 'Cache-Control': 'private, no-store' };
  if (!viewer) return Response.json({ error: 'Sign in to download your refund note.' }, { status: 401, headers });
  const note = await loadRefundNote(db, viewer, refundId, origin);
  if (!note) return Response.json({ error: 'There is no refund note for this refund.' }, { status: 404, headers });
  const pdf = await renderRefundNotePdf(note);
  return new Response(Buffer.from(pdf), {
    status: 200,
    headers: {
      ...headers,
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="${refundNoteFilename(note.noteNo)}"`,
      'Content-Length': String(pdf.byteLength),
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
