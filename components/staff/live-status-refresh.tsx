'use client';
// While a payment is still pending, staff watching it see the gateway's answer land without
// reloading: SWR polls the payment's status and, when it moves, the server page re-renders
// (timeline, ledger, actions). Staff consoles are on desktops and good links, so a 3 s poll is
// simpler here than a stream.
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import useSWR from 'swr';

const fetchStatus = async (url: string): Promise<{ status: string }> => {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
};

export function LiveStatusRefresh({ paymentId, status }: { paymentId: string; status: string }) {
  const router = useRouter();
  const watching = status === 'pending';
  const { data, error } = useSWR(watching ? `/api/v1/payments/${paymentId}` : null, fetchStatus, {
    refreshInterval: 3000,
    revalidateOnFocus: true,
  });
  const moved = data && data.status !== status;
  useEffect(() => {
    if (moved) router.refresh();
  }, [moved, router]);
  if (!watching) return null;
  return (
    <p className="text-xs text-slate-600" aria-live="polite" data-testid="live-status">
      {error ? 'Live updates paused; reload to see the latest.' : 'Waiting for the gateway: this page updates by itself.'}
    </p>
  );
}
