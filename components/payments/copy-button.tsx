'use client';
// Copies a number for the holder to paste into the M-Pesa menu. navigator.clipboard needs a secure
// context and a recent browser; older Android browsers get the select-and-copy fallback. Without
// JavaScript the number is still there to read (the button then does nothing).
import { useState } from 'react';

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    let ok = false;
    try {
      await navigator.clipboard.writeText(value);
      ok = true;
    } catch {
      const area = document.createElement('textarea');
      area.value = value;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      try {
        ok = document.execCommand('copy');
      } catch {
        ok = false;
      }
      area.remove();
    }
    setCopied(ok);
    if (ok) setTimeout(() => setCopied(false), 2500);
  }
  return (
    <button type="button" onClick={copy} className="btn-secondary min-h-11 px-3 py-1 text-sm" aria-label={label}>
      <span aria-live="polite">{copied ? 'Copied' : 'Copy'}</span>
    </button>
  );
}
