'use client';
// The reconciliation at a glance on the staff overview: net received per reconciled day (statement
// side, M-Pesa and card stacked) and the breaks still open on each day. Client-only (recharts).
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDate } from '@/lib/format';
import { formatKes } from '@/lib/money';

export type ReconPoint = { day: string; mpesa: number; card: number; open: number };

const dayMonth = new Intl.DateTimeFormat('en-KE', { timeZone: 'Africa/Nairobi', day: 'numeric', month: 'short' });
const shortDay = (day: string) => dayMonth.format(new Date(`${day}T00:00:00+03:00`));
const compactKes = (minor: number) => {
  const kes = minor / 100;
  return kes >= 1_000_000 ? `${(kes / 1_000_000).toFixed(1)}M` : kes >= 1000 ? `${(kes / 1000).toFixed(kes < 10_000 ? 1 : 0)}k` : String(Math.round(kes));
};
const NAMES: Record<string, string> = { mpesa: 'M-Pesa net', card: 'Card net', open: 'Open breaks' };

export function ReconChart({ data }: { data: ReconPoint[] }) {
  return (
    <div className="h-64 w-full min-w-0 overflow-hidden" role="img" aria-label="Chart of net money received per reconciled day by M-Pesa and card, with the number of open breaks">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="day" tickFormatter={shortDay} tick={{ fontSize: 11 }} interval="preserveStartEnd" minTickGap={16} />
          <YAxis yAxisId="kes" tickFormatter={compactKes} tick={{ fontSize: 11 }} width={44} />
          <YAxis yAxisId="n" orientation="right" allowDecimals={false} tick={{ fontSize: 11 }} width={28} />
          <Tooltip formatter={(value, name) => [name === 'open' ? String(value) : formatKes(Number(value)), NAMES[String(name)] ?? String(name)]} labelFormatter={(l) => formatDate(String(l))} />
          <Legend formatter={(name) => NAMES[String(name)] ?? String(name)} />
          <Bar yAxisId="kes" dataKey="mpesa" stackId="a" fill="#0a8f4a" isAnimationActive={false} />
          <Bar yAxisId="kes" dataKey="card" stackId="a" fill="#0ea5e9" radius={[3, 3, 0, 0]} isAnimationActive={false} />
          <Line yAxisId="n" dataKey="open" stroke="#b91c1c" strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
