/**
 * Routes the `paystack-sdk` package to another Paystack-compatible server (the built-in emulator,
 * a test server) — docs/paystack.md §12.5.
 *
 * The SDK hard-codes https://api.paystack.co (docs/paystack.md §12.2) but sends every request through Node's global
 * `fetch`, which obeys undici's global dispatcher. We install an undici 7 Agent whose interceptor
 * rewrites requests for api.paystack.co only; every other host passes through unchanged, with
 * undici's default options. Paystack requests also get the timeouts the SDK lacks (docs/paystack.md §12.2).
 */
import { Agent, setGlobalDispatcher, type Dispatcher } from 'undici';

import { PAYSTACK_API_URL } from './config';

const PAYSTACK_HOST = 'api.paystack.co';
const TIMEOUT_MS = 15_000;

type Route = { origin: string; pathPrefix: string };
type InstalledState = { route: Route };

/** One dispatcher per process, shared by Next's separately bundled server chunks. */
const STATE = Symbol.for('malipo.paystack.dispatcher');
type GlobalWithState = typeof globalThis & { [STATE]?: InstalledState };

function routeFor(apiUrl: string): Route | null {
  const url = new URL(apiUrl);
  if (url.origin === PAYSTACK_API_URL) return null;
  return { origin: url.origin, pathPrefix: url.pathname.replace(/\/+$/, '') };
}

/** The origin + path prefix Paystack traffic is currently sent to, or null when not rerouted. */
export function paystackRerouteTarget(): string | null {
  const state = (globalThis as GlobalWithState)[STATE];
  return state ? state.route.origin + state.route.pathPrefix : null;
}

/**
 * Sends the SDK's api.paystack.co traffic to `apiUrl` (origin + optional path prefix). No-op when
 * `apiUrl` is Paystack itself. Installs the dispatcher once per process; a later call with another
 * URL only moves the target (tests start servers on ephemeral ports), never stacks dispatchers.
 */
export function installPaystackDispatcher(apiUrl: string): void {
  const route = routeFor(apiUrl);
  if (!route) return;
  const g = globalThis as GlobalWithState;
  const existing = g[STATE];
  if (existing) {
    existing.route = route;
    return;
  }
  const state: InstalledState = { route };
  g[STATE] = state;

  const interceptor: Dispatcher.DispatcherComposeInterceptor =
    (dispatch) =>
    (opts, handler) => {
      const origin = opts.origin === undefined ? null : new URL(String(opts.origin));
      if (!origin || origin.hostname !== PAYSTACK_HOST) return dispatch(opts, handler);
      // opts.path already carries the query string (docs/paystack.md §12.5), so a prefix is a plain concatenation.
      return dispatch(
        {
          ...opts,
          origin: state.route.origin,
          path: state.route.pathPrefix + opts.path,
          headersTimeout: TIMEOUT_MS,
          bodyTimeout: TIMEOUT_MS,
        },
        handler,
      );
    };
  setGlobalDispatcher(new Agent().compose(interceptor));
}
