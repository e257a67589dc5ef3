// Small display helpers for the staff console.
import { cardLabel } from '@/lib/payments/card/card-label';

/** 254712345678 → "0712 345 678", the way Kenyans write and read numbers. */
export function localPhone(msisdn: string | null | undefined): string {
  if (!msisdn) return '';
  const m = /^254(\d{3})(\d{3})(\d{3})$/.exec(msisdn);
  return m ? `0${m[1]} ${m[2]} ${m[3]}` : msisdn;
}

export function methodLabel(p: { method: 'mpesa' | 'card'; cardBrand?: string | null; cardLast4?: string | null }): string {
  if (p.method === 'mpesa') return 'M-Pesa';
  return p.cardLast4 ? cardLabel(p.cardBrand ?? null, p.cardLast4) : 'Card';
}

/** 95 → "1 min 35 s"; for medians and waits. */
export function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
