'use client';
// Shares a receipt's public verification link: the phone's share sheet where there is one
// (WhatsApp, SMS, email), otherwise copies the link, otherwise shows it to copy by hand.
import { useState } from 'react';

export function ShareReceiptButton({ url, title, text }: { url: string; title: string; text: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');

  async function share() {
    if (typeof navigator.share === 'function') {
      try {
        await navigator.share({ title, text, url });
        return;
      } catch (err) {
        // The person closed the share sheet: nothing to do.
        if (err instanceof DOMException && err.name === 'AbortError') return;
      }
    }
    try {
      await navigator.clipboard.writeText(url);
      setState('copied');
    } catch {
      setState('manual');
    }
  }

  return (
    <div className="space-y-2">
      <button type="button" onClick={share} className="btn-secondary w-full" data-testid="share-receipt">
        Share receipt link
      </button>
      <p role="status" aria-live="polite" className="text-center text-sm text-slate-600">
        {state === 'copied' && 'Link copied. Paste it into a message or email.'}
      </p>
      {state === 'manual' && (
        <label className="block text-sm text-slate-600">
          Copy this link:
          <input readOnly value={url} onFocus={(e) => e.currentTarget.select()} className="field mt-1 font-mono text-xs" data-testid="share-url" />
        </label>
      )}
    </div>
  );
}
