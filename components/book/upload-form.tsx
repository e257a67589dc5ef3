'use client';
// The book upload: one file input. The server answers with the preview page, or in words.
import { useActionState } from 'react';
import type { ActionState } from '@/lib/staff/action-state';

export function UploadForm({ action }: { action: (prev: ActionState, form: FormData) => Promise<ActionState> }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="space-y-3" data-testid="book-upload">
      <label className="block text-sm font-semibold" htmlFor="book-file">
        Book file (CSV)
      </label>
      <input
        id="book-file"
        name="file"
        type="file"
        accept=".csv,text/csv"
        required
        className="block w-full rounded-lg border border-slate-300 bg-white p-2 text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-900 file:px-3 file:py-1.5 file:text-white"
      />
      <button type="submit" className="btn-primary w-full sm:w-auto" disabled={pending}>
        {pending ? 'Checking every row…' : 'Upload and preview'}
      </button>
      <p role="status" aria-live="polite" className="text-sm text-red-700 empty:hidden">
        {state && !state.ok ? state.message : ''}
      </p>
    </form>
  );
}
