// Whether this process has begun shutting down, and what must be told when it does (open SSE
// streams). Kept on globalThis: Next bundles route handlers and start-up code separately.
const KEY = Symbol.for('malipo.shutdown');
type State = { down: boolean; listeners: Set<() => void> };
type G = typeof globalThis & { [KEY]?: State };
const state = (): State => ((globalThis as G)[KEY] ??= { down: false, listeners: new Set() });

export const isShuttingDown = () => state().down;

/** Marks the process as stopping and tells every registered listener once. */
export function beginShutdown() {
  const s = state();
  if (s.down) return;
  s.down = true;
  for (const fn of [...s.listeners]) fn();
  s.listeners.clear();
}

/** Calls `fn` when shutdown begins (at once if it has); returns the unregister. */
export function onShutdown(fn: () => void): () => void {
  const s = state();
  if (s.down) {
    fn();
    return () => {};
  }
  s.listeners.add(fn);
  return () => s.listeners.delete(fn);
}

/** Test hook: a fresh, running state. */
export function resetShutdownState() {
  (globalThis as G)[KEY] = { down: false, listeners: new Set() };
}
