// Outbound requests to addresses an administrator typed (webhook endpoints) must not reach this
// network's own services (cloud metadata, the database, an admin port): in production they may
// only go to public addresses. The check runs when the connection is made, on every address the
// name resolves to, so a name that later resolves inward (DNS rebinding) is refused too.
import dns from 'node:dns';
import net from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';

const blocked = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64 of any IPv4 address
] as const) {
  blocked.addSubnet(prefix, bits, 'ipv6');
}

/** True for an address on the public internet; false for private, loopback, link-local and the like. */
export function isPublicAddress(ip: string): boolean {
  const family = net.isIP(ip);
  if (family === 4) return !blocked.check(ip, 'ipv4');
  if (family !== 6) return false;
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return isPublicAddress(mapped[1]);
  return !blocked.check(ip, 'ipv6');
}

/** A URL host that is an IP literal or "localhost" and not public (checked when an endpoint is saved). */
export function isNonPublicHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return net.isIP(host) !== 0 && !isPublicAddress(host);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/** dns.lookup that refuses a name with any non-public address. */
export function publicOnlyLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback) {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const inward = addresses.find((a) => !isPublicAddress(a.address));
    if (inward || !addresses.length) {
      const e: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${inward?.address ?? 'nothing'}, which is not a public address.`);
      e.code = 'ENOTPUBLIC';
      return callback(e, []);
    }
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
}

let agent: Agent | null = null;

/** fetch that connects only to public addresses (IP literals included: they never reach a lookup). */
export const publicOnlyFetch: typeof fetch = async (input, init) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  if (isNonPublicHost(url.hostname)) throw new Error(`${url.hostname} is not a public address.`);
  agent ??= new Agent({ connect: { lookup: publicOnlyLookup as never } });
  return undiciFetch(url, { ...(init as object), dispatcher: agent } as never) as unknown as Response;
};
