// One label/value line of a <dl> (payment details, receipts): the label left, the value right,
// long values wrapping rather than pushing the label off a phone screen.
export function DetailRow({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex items-baseline justify-between gap-3">
      <dt className="shrink-0 text-slate-600">{label}</dt>
      <dd className="min-w-0 text-right">{children}</dd>
    </div>
  );
}
