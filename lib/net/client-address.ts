// Which address a request came from, for abuse limits. Next does not expose the TCP peer to route
// handlers or server actions, and its own X-Forwarded-For keeps whatever the client sent (it only
// fills the header in when absent), so the Node server stamps the peer into PEER_HEADER before Next
// sees the request (lib/net/peer-stamp.ts), overwriting any value a client tried to send.
import { trustedProxyHops } from '@/lib/env';

export const PEER_HEADER = 'x-malipo-peer-address';

type HeaderSource = Pick<Headers, 'get'>;

/**
 * The client address: with TRUSTED_PROXY_HOPS = 0 the TCP peer, whatever X-Forwarded-For says.
 * With n hops, the n-th address from the right of "X-Forwarded-For, peer": each trusted proxy
 * appended the address it saw, and anything further left was written by the client (spoofable).
 */
export function clientAddress(headers: HeaderSource, hops = trustedProxyHops()): string {
  const peer = normalise(headers.get(PEER_HEADER));
  const chain = [
    ...(headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((a) => normalise(a))
      .filter((a): a is string => !!a),
    ...(peer ? [peer] : []),
  ];
  if (!peer) return 'unknown'; // not stamped (a request that raced server start-up): one shared bucket
  if (hops === 0) return peer;
  // Fewer entries than hops: the header was short (misconfiguration); the leftmost is the best guess.
  return chain[Math.max(0, chain.length - 1 - hops)];
}

/** IPv4-mapped IPv6 (::ffff:1.2.3.4) and plain IPv4 count as one address; junk counts as none. */
function normalise(raw: string | null | undefined): string | null {
  const a = (raw ?? '').trim().toLowerCase();
  if (!a || a.length > 64 || !/^[0-9a-f:.]+$/.test(a)) return null;
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}
