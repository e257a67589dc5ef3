// Prometheus metrics (prom-client). Each instance counts what it did itself (callbacks received,
// gateway calls, emails sent, streams open); Prometheus sums the instances. What describes shared
// state (payments by status, the job queue) is read from the database at scrape time instead, so
// every instance reports the same, correct figure.
import client from 'prom-client';

function create() {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service: 'malipo' });
  client.collectDefaultMetrics({ register: registry, prefix: 'malipo_process_' });
  const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  return {
    registry,
    callbacksReceived: new client.Counter({
      name: 'malipo_gateway_callbacks_received_total',
      help: 'Gateway callbacks and webhooks received by this instance, by gateway and outcome.',
      labelNames: ['gateway', 'outcome'] as const,
      registers: [registry],
    }),
    callbackHandling: new client.Histogram({
      name: 'malipo_gateway_callback_handling_seconds',
      help: 'Time to answer a gateway callback or webhook.',
      labelNames: ['gateway'] as const,
      buckets: seconds,
      registers: [registry],
    }),
    applied: new client.Counter({
      name: 'malipo_gateway_events_applied_total',
      help: 'Stored gateway events applied to payments by this instance, by gateway and outcome.',
      labelNames: ['gateway', 'outcome'] as const,
      registers: [registry],
    }),
    applyLatency: new client.Histogram({
      name: 'malipo_gateway_event_apply_latency_seconds',
      help: 'From a gateway event being received to its result being applied to the payment.',
      labelNames: ['gateway'] as const,
      buckets: seconds,
      registers: [registry],
    }),
    stkPushToResult: new client.Histogram({
      name: 'malipo_mpesa_stk_push_to_result_seconds',
      help: 'From the STK push (payment created) to its result callback, by result.',
      labelNames: ['result'] as const,
      buckets: [1, 5, 10, 15, 20, 30, 45, 60, 90, 120, 300, 900],
      registers: [registry],
    }),
    gatewayCall: new client.Histogram({
      name: 'malipo_gateway_request_seconds',
      help: 'Outgoing gateway API calls, by gateway, endpoint and outcome (ok, http_4xx, http_5xx, timeout, network).',
      labelNames: ['gateway', 'endpoint', 'outcome'] as const,
      buckets: seconds,
      registers: [registry],
    }),
    gatewayErrors: new client.Counter({
      name: 'malipo_gateway_request_errors_total',
      help: 'Outgoing gateway API calls that failed, by gateway, endpoint and kind.',
      labelNames: ['gateway', 'endpoint', 'kind'] as const,
      registers: [registry],
    }),
    notifications: new client.Counter({
      name: 'malipo_notifications_total',
      help: 'Emails and SMS handed to the provider (sent) or refused (failed, retry), by channel.',
      labelNames: ['channel', 'outcome'] as const,
      registers: [registry],
    }),
    jobsRun: new client.Counter({
      name: 'malipo_jobs_run_total',
      help: 'Jobs run by this instance, by kind and result (done, retry, error).',
      labelNames: ['kind', 'result'] as const,
      registers: [registry],
    }),
    sseOpen: new client.Gauge({
      name: 'malipo_sse_streams_open',
      help: 'Payment status streams (Server-Sent Events) open on this instance.',
      registers: [registry],
    }),
  };
}

// One registry per process, shared across Next's separately bundled chunks.
const KEY = Symbol.for('malipo.metrics');
type G = typeof globalThis & { [KEY]?: ReturnType<typeof create> };
export const metrics: ReturnType<typeof create> = ((globalThis as G)[KEY] ??= create());

/** Seconds since `since` (never negative: clocks of app and database differ slightly). */
export const secondsSince = (since: Date | number) => Math.max(0, (Date.now() - +since) / 1000);

/** Times an outgoing gateway call; `outcomeOf` names the result (ok, http_5xx, …). */
export async function timeGatewayCall<T>(gateway: string, endpoint: string, run: () => Promise<T>, outcomeOf: (r: T) => string): Promise<T> {
  const started = performance.now();
  let outcome = 'exception';
  try {
    const result = await run();
    outcome = outcomeOf(result);
    return result;
  } finally {
    metrics.gatewayCall.observe({ gateway, endpoint, outcome }, (performance.now() - started) / 1000);
    if (outcome !== 'ok') metrics.gatewayErrors.inc({ gateway, endpoint, kind: outcome });
  }
}
