// Graceful shutdown on SIGTERM, within 10 s: readiness turns 503 and SSE streams close with a
// retry hint (beginShutdown), the job worker stops claiming and lets running jobs finish or hands
// them back, the heartbeat row goes; then Next's own SIGTERM handler closes the HTTP server (no new
// connections, in-flight requests finish) and exits. Next registers that handler before our
// start-up code runs; we take it over so it runs after the drain instead of racing it.
import { log } from '@/lib/log';
import { beginShutdown } from './shutdown-state';

/** Everything must be done by then; the orchestrator's SIGKILL usually follows at 10 s or later. */
export const SHUTDOWN_DEADLINE_MS = 9_500;

type Listener = (...args: unknown[]) => void;

export function installGracefulShutdown(drain: () => Promise<void>, opts: { deadlineMs?: number } = {}) {
  const next = process.listeners('SIGTERM') as Listener[];
  for (const l of next) process.removeListener('SIGTERM', l);
  process.once('SIGTERM', () => {
    const started = Date.now();
    log.info({ event: 'shutdown.begin' }, 'SIGTERM: draining');
    const deadline = setTimeout(() => {
      log.error({ event: 'shutdown.deadline', durationMs: Date.now() - started }, 'shutdown took too long; exiting now');
      process.exit(1);
    }, opts.deadlineMs ?? SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    beginShutdown();
    void drain()
      .catch((err) => log.error({ event: 'shutdown.drain_failed', err }, 'drain failed'))
      .then(() => {
        log.info({ event: 'shutdown.drained', durationMs: Date.now() - started }, 'drained; closing the HTTP server');
        if (next.length) for (const l of next) l('SIGTERM');
        else process.exit(0);
      });
  });
}
