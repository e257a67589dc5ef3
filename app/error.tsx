'use client';

// Something broke while drawing a page. Say so plainly, offer to try again, and show the
// reference the server logged (digest) so support can find it; never the error's own text.
import { useEffect } from 'react';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div className="mx-auto max-w-md space-y-4" data-testid="error-page">
      <div className="card space-y-2 text-center">
        <h1 className="text-xl font-bold">Something went wrong on our side</h1>
        <p className="text-sm text-slate-700">
          Your payments are safe: nothing is charged twice. Please try again in a moment.
        </p>
        {error.digest && <p className="text-xs text-slate-600">Reference for support: {error.digest}</p>}
      </div>
      <div className="grid gap-2">
        <button type="button" onClick={reset} className="btn-primary">
          Try again
        </button>
        <a href="/" className="btn-secondary">
          Go to my home page
        </a>
      </div>
    </div>
  );
}
