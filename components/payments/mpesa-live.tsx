'use client';

// Keeps the M-Pesa status page live once its JavaScript has arrived: Server-Sent Events first, a
// plain fetch every 3 s whenever the stream is down (and once when the tab comes back), and on any
// change the server draws the page again (router.refresh) or the receipt is opened. The page itself
// is drawn on the server (mpesa-status.tsx) and refreshes without JavaScript, so this renders nothing.
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { HydrationMarker } from '@/components/payments/hydration-marker';

type Props = { id: string; status: string; waiting: boolean; giveUpAt: number };

export function MpesaLive({ id, status, waiting, giveUpAt }: Props) {
  const router = useRouter();
  useEffect(() => {
    if (!waiting) return;
    let done = false;
    let poll: ReturnType<typeof setInterval> | undefined;
    const seen = (next: unknown) => {
      if (done || typeof next !== 'string' || next === status) return;
      done = true;
      if (next === 'completed') router.replace(`/pay/success/${id}`);
      else router.refresh();
    };
    const check = () =>
      fetch(`/api/v1/payments/${id}`, { cache: 'no-store' })
        .then((r) => (r.ok ? r.json() : null))
        .then((d) => seen(d?.status), () => {});
    const es = new EventSource(`/api/v1/payments/${id}/events`);
    es.onopen = () => (poll = void clearInterval(poll));
    es.onerror = () => (poll ??= setInterval(check, 3000));
    // The stream sends the current status as soon as it opens, then every change.
    es.addEventListener('status', (e) => seen(JSON.parse((e as MessageEvent).data).status));
    const onVisible = () => document.visibilityState === 'visible' && check();
    document.addEventListener('visibilitychange', onVisible);
    // After the give-up time the server draws "Still waiting" instead.
    const giveUp = setTimeout(() => router.refresh(), Math.max(0, giveUpAt - Date.now()));
    return () => {
      done = true;
      es.close();
      clearInterval(poll);
      clearTimeout(giveUp);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [id, status, waiting, giveUpAt, router]);
  return <HydrationMarker />;
}
