'use client';
// The running import's progress bar: polls the progress route until the import has finished,
// then refreshes the page so the server renders the final report.
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import useSWR from 'swr';

type Progress = { status: string; batchesDone: number; totalBatches: number; lastError: string | null };

const fetcher = async (url: string): Promise<Progress> => {
  const r = await fetch(url, { cache: 'no-store' });
  if (!r.ok) throw new Error(String(r.status));
  return r.json();
};

export function ImportProgress({ importId, initial }: { importId: string; initial: Progress }) {
  const router = useRouter();
  const { data } = useSWR(`/api/v1/staff/book/imports/${importId}`, fetcher, { fallbackData: initial, refreshInterval: 1000 });
  const p = data ?? initial;
  const finished = p.status === 'done' || p.status === 'failed';
  useEffect(() => {
    if (finished) router.refresh();
  }, [finished, router]);
  const percent = p.totalBatches ? Math.round((100 * p.batchesDone) / p.totalBatches) : 0;
  return (
    <div className="space-y-2" data-testid="import-progress">
      <div
        role="progressbar"
        aria-label="Import progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-3 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className="h-full bg-brand-600 transition-all" style={{ width: `${percent}%` }} />
      </div>
      <p className="text-sm text-slate-700" aria-live="polite">
        {p.status === 'queued' ? 'Starting…' : finished ? 'Finished.' : `Importing: ${p.batchesDone} of ${p.totalBatches} batches written (${percent}%).`}
      </p>
      {p.lastError && !finished && <p className="text-sm text-amber-800">A batch failed and will be retried: {p.lastError}</p>}
    </div>
  );
}
