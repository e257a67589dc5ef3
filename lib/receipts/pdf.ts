// Draws a receipt as an A5 PDF with the standard Helvetica fonts (no font files to ship).
// Layout: brand band, amount box (figures and words), details, installments paid, balance,
// then a QR code and link that let anyone check the receipt is genuine.
import { PDFDocument, rgb, StandardFonts, type PDFFont, type RGB } from 'pdf-lib';
import QRCode from 'qrcode';
import { formatDate, formatDateTime } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { amountInWords } from './amount-in-words';
import { INSURER_NAME, INSURER_TAGLINE } from './constants';
import type { ReceiptData } from './data';

const A5: [number, number] = [419.53, 595.28];
const MARGIN = 32;
const BRAND = rgb(0.039, 0.561, 0.29); // #0a8f4a, the app's brand green
const BRAND_DARK = rgb(0.024, 0.376, 0.184);
const BRAND_TINT = rgb(0.925, 0.992, 0.953);
const INK = rgb(0.06, 0.09, 0.16);
const MUTED = rgb(0.39, 0.45, 0.55);
const RULE = rgb(0.886, 0.91, 0.941);
const QR_SIZE = 62;
const QR_Y = 36;
// The footer (QR code, link, small print) sits at the bottom of the last page; the body may run
// lower on earlier pages, down to BODY_BOTTOM.
const FOOTER_TOP = QR_Y + QR_SIZE + 20;
const BODY_BOTTOM = 48;

export function receiptFilename(receiptNo: string) {
  return `malipo-receipt-${receiptNo}.pdf`;
}

export async function renderReceiptPdf(r: ReceiptData): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${INSURER_NAME} receipt ${r.receiptNo}`);
  doc.setAuthor(INSURER_NAME);
  doc.setSubject(`Payment ${r.reference} for policy ${r.policyNumber}`);
  doc.setCreator('Malipo');
  doc.setProducer('Malipo');
  doc.setCreationDate(r.paidAt);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const italic = await doc.embedFont(StandardFonts.HelveticaOblique);
  const qrPng = await QRCode.toBuffer(r.verifyUrl, { type: 'png', errorCorrectionLevel: 'M', margin: 1, width: 240 });
  const qr = await doc.embedPng(qrPng);

  const [W, H] = A5;
  const inner = W - 2 * MARGIN;
  let page = doc.addPage(A5);
  let y = H;

  // Standard fonts only know Windows-1252; anything else (e.g. an emoji in a name) becomes '?'.
  const known = new Set(regular.getCharacterSet());
  const safe = (s: string) => Array.from(s.normalize('NFC'), (ch) => (known.has(ch.codePointAt(0)!) ? ch : '?')).join('');
  const text = (s: string, x: number, yy: number, o: { font?: PDFFont; size?: number; color?: RGB } = {}) =>
    page.drawText(safe(s), { x, y: yy, font: o.font ?? regular, size: o.size ?? 9.5, color: o.color ?? INK });
  const width = (s: string, font: PDFFont, size: number) => font.widthOfTextAtSize(safe(s), size);
  const right = (s: string, xRight: number, yy: number, o: { font?: PDFFont; size?: number; color?: RGB } = {}) =>
    text(s, xRight - width(s, o.font ?? regular, o.size ?? 9.5), yy, o);
  const wrap = (s: string, font: PDFFont, size: number, max: number): string[] => {
    const out: string[] = [];
    let line = '';
    for (const word of safe(s).split(/\s+/)) {
      const next = line ? `${line} ${word}` : word;
      if (line && font.widthOfTextAtSize(next, size) > max) {
        out.push(line);
        line = word;
      } else line = next;
    }
    if (line) out.push(line);
    return out;
  };
  const rule = (yy: number, color = RULE) =>
    page.drawLine({ start: { x: MARGIN, y: yy }, end: { x: W - MARGIN, y: yy }, thickness: 0.75, color });
  const newPage = () => {
    page = doc.addPage(A5);
    y = H - MARGIN;
    text(`${INSURER_NAME} · receipt ${r.receiptNo} (continued)`, MARGIN, y, { size: 8.5, color: MUTED });
    y -= 22;
  };
  /** Starts a continuation page when fewer than `h` points remain on this one. */
  const ensure = (h: number) => {
    if (y - h < BODY_BOTTOM) newPage();
  };

  // Brand band.
  const band = 70;
  page.drawRectangle({ x: 0, y: H - band, width: W, height: band, color: BRAND });
  text(INSURER_NAME, MARGIN, H - 33, { font: bold, size: 18, color: rgb(1, 1, 1) });
  text(INSURER_TAGLINE, MARGIN, H - 49, { size: 8.5, color: rgb(0.82, 0.98, 0.87) });
  right('OFFICIAL RECEIPT', W - MARGIN, H - 31, { font: bold, size: 10, color: rgb(1, 1, 1) });
  // An official receipt states what was received, forever: refunds get their own refund note.
  right('Payment received', W - MARGIN, H - 47, {
    size: 8.5,
    color: rgb(0.82, 0.98, 0.87),
  });
  y = H - band - 26;

  // Receipt number and date.
  text('Receipt number', MARGIN, y, { size: 8, color: MUTED });
  right('Date and time', W - MARGIN, y, { size: 8, color: MUTED });
  y -= 14;
  text(r.receiptNo, MARGIN, y, { font: bold, size: 11.5 });
  right(formatDateTime(r.paidAt), W - MARGIN, y, { font: bold, size: 10 });
  y -= 20;

  // Amount box: figures, then words.
  const words = wrap(amountInWords(r.amountMinor), italic, 9.5, inner - 28);
  const boxH = 50 + words.length * 12.5;
  page.drawRectangle({ x: MARGIN, y: y - boxH, width: inner, height: boxH, color: BRAND_TINT, borderColor: rgb(0.82, 0.98, 0.87), borderWidth: 1 });
  text('Amount received', MARGIN + 14, y - 16, { size: 8, color: BRAND_DARK });
  text(formatKes(r.amountMinor), MARGIN + 14, y - 37, { font: bold, size: 20, color: BRAND_DARK });
  words.forEach((w, i) => text(w, MARGIN + 14, y - 54 - i * 12.5, { font: italic, size: 9.5 }));
  y -= boxH + 20;

  // Details.
  const method =
    r.method.kind === 'mpesa'
      ? [`M-Pesa${r.method.receipt ? `, receipt ${r.method.receipt}` : ''}`, r.method.phoneMasked ? `from ${r.method.phoneMasked}` : null]
      : [`Card, ${r.method.label}`, null];
  // The receipt number already starts with our reference; spelt out for people quoting it to us.
  const paidBySub = [method[1], `our reference ${r.reference}`].filter(Boolean).join(' · ');
  const details: Array<[string, string, string | null]> = [
    ['Received from', r.payerName || 'Policyholder', null],
    ['Policy', r.policyNumber, r.product],
    ['Paid by', method[0]!, paidBySub],
  ];
  const labelW = 96;
  for (const [label, value, sub] of details) {
    const lines = wrap(value, bold, 9.5, inner - labelW);
    const subLines = sub ? wrap(sub, regular, 8.5, inner - labelW) : [];
    text(label, MARGIN, y, { size: 8.5, color: MUTED });
    lines.forEach((l, i) => text(l, MARGIN + labelW, y - i * 12, { font: bold }));
    subLines.forEach((l, i) => text(l, MARGIN + labelW, y - (lines.length + i) * 12, { size: 8.5, color: MUTED }));
    y -= (lines.length + subLines.length) * 12 + 6;
  }
  y -= 4;

  // What it paid.
  const colDue = MARGIN + 150;
  const colAmt = W - MARGIN;
  ensure(60);
  text('What this payment paid', MARGIN, y, { font: bold, size: 10 });
  y -= 16;
  text('Installment', MARGIN, y, { size: 8, color: MUTED });
  text('Due date', colDue, y, { size: 8, color: MUTED });
  right('Amount', colAmt, y, { size: 8, color: MUTED });
  y -= 6;
  rule(y);
  y -= 13;
  const rows: Array<[string, string, number]> = r.installments.map((i) => [`Installment ${i.seq}`, formatDate(i.dueDate), i.amountMinor]);
  if (r.creditMinor > 0) rows.push(['Credit on the policy', '', r.creditMinor]);
  if (rows.length === 0) rows.push(['Applied to the policy', '', r.amountMinor]);
  for (const [label, due, amount] of rows) {
    ensure(30);
    text(label, MARGIN, y);
    if (due) text(due, colDue, y);
    right(formatKes(amount), colAmt, y);
    y -= 7;
    rule(y);
    y -= 11.5;
  }
  right(`Total  ${formatKes(r.amountMinor)}`, colAmt, y, { font: bold });
  y -= 21;

  // Balance after.
  ensure(20);
  page.drawRectangle({ x: MARGIN, y: y - 10, width: inner, height: 28, color: rgb(0.973, 0.98, 0.988) });
  text('Balance on the policy after this payment', MARGIN + 10, y, { size: 9 });
  const balance =
    r.balanceAfterMinor === null ? 'n/a' : r.balanceAfterMinor < 0 ? `${formatKes(-r.balanceAfterMinor)} (credit)` : formatKes(r.balanceAfterMinor);
  right(balance, W - MARGIN - 10, y, { font: bold, size: 10.5 });
  y -= 30;

  // Footer on the last page: QR code, link, and the small print (on a page of its own if the body
  // filled this one).
  if (y < FOOTER_TOP) newPage();
  const qrSize = QR_SIZE;
  const footTop = QR_Y + qrSize;
  rule(footTop + 10);
  page.drawImage(qr, { x: MARGIN, y: QR_Y, width: qrSize, height: qrSize });
  const fx = MARGIN + qrSize + 14;
  const fw = W - MARGIN - fx;
  text('Check that this receipt is genuine', fx, footTop - 10, { font: bold, size: 9.5 });
  // The link on one line if a slightly smaller size allows, else broken where it must be.
  let urlSize = 7.5;
  while (urlSize > 6 && regular.widthOfTextAtSize(safe(r.verifyUrl), urlSize) > fw) urlSize -= 0.25;
  const urlLines = wrapAnywhere(r.verifyUrl, regular, urlSize, fw, safe);
  const help = wrap('Scan the code or open the link. It shows the amount, date and status we hold for this receipt number.', regular, 8, fw);
  help.forEach((l, i) => text(l, fx, footTop - 25 - i * 10.5, { size: 8, color: MUTED }));
  urlLines.forEach((l, i) =>
    text(l, fx, footTop - 30 - help.length * 10.5 - i * 9.5, { size: urlSize, color: BRAND_DARK }),
  );
  const small = `${INSURER_NAME}. Issued electronically; valid without a signature.`;
  page.drawText(safe(small), { x: (W - width(small, regular, 7)) / 2, y: 18, size: 7, font: regular, color: MUTED });

  const pages = doc.getPages();
  if (pages.length > 1) {
    pages.forEach((pg, i) => {
      const label = `Page ${i + 1} of ${pages.length}`;
      pg.drawText(label, { x: W - MARGIN - regular.widthOfTextAtSize(label, 7), y: 18, size: 7, font: regular, color: MUTED });
    });
  }
  return doc.save();
}

/** Breaks a URL wherever needed (it has no spaces to break at). */
function wrapAnywhere(s: string, font: PDFFont, size: number, max: number, safe: (s: string) => string): string[] {
  const out: string[] = [];
  let line = '';
  for (const ch of safe(s)) {
    if (line && font.widthOfTextAtSize(line + ch, size) > max) {
      out.push(line);
      line = ch;
    } else line += ch;
  }
  if (line) out.push(line);
  return out;
}

