'use client';
// Keeps the answer of the last staff action on screen. An action usually changes what the page
// shows (a resolved payment loses its "resolve" form, a decided refund leaves the "to decide"
// list), which would unmount the form and its message with it; this wrapper outlives them.
import { createContext, useContext, useState } from 'react';
import type { ActionState } from '@/lib/staff/action-state';

const Publish = createContext<((s: ActionState) => void) | null>(null);

export function useActionResult() {
  return useContext(Publish);
}

export function ActionResults({ children, className }: { children: React.ReactNode; className?: string }) {
  const [last, setLast] = useState<ActionState>(null);
  return (
    <Publish.Provider value={setLast}>
      <div className={className}>
        <p
          role="status"
          aria-live="polite"
          data-testid="action-result"
          className={`rounded-xl px-4 py-3 text-sm empty:hidden ${last?.ok ? 'bg-brand-50 text-brand-800' : 'bg-red-50 text-red-800'}`}
        >
          {last?.message ?? ''}
        </p>
        {children}
      </div>
    </Publish.Provider>
  );
}
