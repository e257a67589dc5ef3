'use client';
// Daily collections for the last 30 days, M-Pesa and card stacked. Client-only (recharts measures
// the page); it is imported by staff pages only, so holders never download it.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDate } from '@/lib/format';
import { formatKes } from '@/lib/money';

export type DailyCollection = { day: string; mpesa: number; card: number };

// The app's one date style ("11 Nov 2026"), shortened on the axis to "11 Nov".
const dayMonth = new Intl.DateTimeFormat('en-KE', { timeZone: 'Africa/Nairobi', day: 'numeric', month: 'short' });
const shortDay = (day: string) => dayMonth.format(new Date(`${day}T00:00:00+03:00`));
const compactKes = (minor: number) => {
  const kes = minor / 100;
  return kes >= 1_000_000 ? `${(kes / 1_000_000).toFixed(1)}M` : kes >= 1000 ? `${Math.round(kes / 1000)}k` : String(Math.round(kes));
};

export function CollectionsChart({ data }: { data: DailyCollection[] }) {
  return (
    <div className="h-64 w-full min-w-0 overflow-hidden" role="img" aria-label="Bar chart of money collected per day over the last 30 days, by M-Pesa and card">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="day" tickFormatter={shortDay} tick={{ fontSize: 11 }} interval="preserveStartEnd" minTickGap={16} />
          <YAxis tickFormatter={compactKes} tick={{ fontSize: 11 }} width={44} />
          <Tooltip
            formatter={(value, name) => [formatKes(Number(value)), name === 'mpesa' ? 'M-Pesa' : 'Card']}
            labelFormatter={(label) => formatDate(String(label))}
          />
          <Legend formatter={(name) => (name === 'mpesa' ? 'M-Pesa' : 'Card')} />
          <Bar dataKey="mpesa" stackId="a" fill="#0a8f4a" isAnimationActive={false} />
          <Bar dataKey="card" stackId="a" fill="#0ea5e9" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
