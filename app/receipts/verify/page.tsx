// Public: type in a receipt number to check it (the QR code on a receipt links straight to it).
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { receiptVerifyPath } from '@/lib/receipts/receipt-number';

export const metadata: Metadata = { title: 'Check a receipt', robots: { index: false, follow: false } };

const query = z.object({ no: z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string().trim().max(80).optional().catch(undefined)) });

export default async function CheckReceiptPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { no } = query.parse(await searchParams);
  if (no) redirect(receiptVerifyPath(no.toUpperCase().replace(/\s+/g, '')));
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-bold">Check a receipt</h1>
      <form method="get" className="card space-y-3">
        <label htmlFor="no" className="label">Receipt number, as printed</label>
        <input id="no" name="no" required className="field font-mono uppercase" placeholder="MLP-XXXXXXXX-XXXXXX" autoComplete="off" spellCheck={false} />
        <button className="btn-primary w-full">Check</button>
      </form>
    </div>
  );
}
