'use client';

// The last resort when the root layout itself fails: it replaces the whole document, so it
// brings its own <html> and minimal styling.
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en-KE">
      <body style={{ fontFamily: 'system-ui, sans-serif', margin: 0, padding: '2rem 1rem', background: '#f8fafc', color: '#0f172a' }}>
        <main style={{ maxWidth: '28rem', margin: '0 auto' }}>
          <p style={{ fontWeight: 700, fontSize: '1.25rem', color: '#087a3f' }}>Malipo</p>
          <h1 style={{ fontSize: '1.25rem' }}>Something went wrong on our side</h1>
          <p>Your payments are safe: nothing is charged twice. Please try again in a moment.</p>
          {error.digest && <p style={{ fontSize: '0.8rem' }}>Reference for support: {error.digest}</p>}
          <button type="button" onClick={reset} style={{ minHeight: '44px', padding: '0 1.25rem', borderRadius: '0.75rem', border: 0, background: '#087a3f', color: '#fff', fontWeight: 600 }}>
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
