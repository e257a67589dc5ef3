'use client';
// Client pieces of the sandbox phone (/sandbox/phone). Both degrade gracefully: without
// JavaScript the buttons still submit the server action and the page can be reloaded by hand.
import { useEffect } from 'react';
import { useRouter } from 'next/navigation';
import { useFormStatus } from 'react-dom';

/** Re-renders the server page every `intervalMs` while the tab is visible, so new prompts appear. */
export function AutoRefresh({ intervalMs = 2000 }: { intervalMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') router.refresh();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [router, intervalMs]);
  return null;
}

const ANSWERS = [
  { action: 'pin', label: 'Enter PIN (pay)', primary: true },
  { action: 'cancel', label: 'Cancel', primary: false },
  { action: 'insufficient', label: 'Insufficient funds', primary: false },
  { action: 'wrong_pin', label: 'Wrong PIN', primary: false },
  { action: 'no_answer', label: "Don't answer", primary: false },
] as const;

/** The five answers, as submit buttons of the enclosing form; disabled while it is sending. */
export function PromptAnswerButtons() {
  const { pending } = useFormStatus();
  return (
    <div className="grid grid-cols-2 gap-2">
      {ANSWERS.map((a) => (
        <button
          key={a.action}
          type="submit"
          name="action"
          value={a.action}
          disabled={pending}
          className={
            a.primary
              ? 'col-span-2 rounded-lg bg-green-700 px-3 py-3 text-base font-semibold text-white hover:bg-green-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-green-800 disabled:opacity-60'
              : 'rounded-lg border border-neutral-300 bg-white px-3 py-2 text-sm font-medium text-neutral-800 hover:bg-neutral-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-neutral-700 disabled:opacity-60'
          }
        >
          {a.label}
        </button>
      ))}
    </div>
  );
}
