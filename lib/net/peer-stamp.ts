// Copies each HTTP request's TCP peer address into a header the client cannot forge: installed
// once at server start (Node only), it runs when Node hands a request to any http(s) server in the
// process, before Next reads the headers. Any client-sent header of that name is overwritten.
import http from 'node:http';
import { PEER_HEADER } from './client-address';

const INSTALLED = Symbol.for('malipo.peer-stamp');

export function stampPeer(req: http.IncomingMessage) {
  req.headers[PEER_HEADER] = req.socket?.remoteAddress ?? '';
}

export function installPeerStamp() {
  const proto = http.Server.prototype as http.Server & { [INSTALLED]?: boolean };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const emit = proto.emit;
  // `next start` serves plain http (TLS ends at the load balancer; see TRUSTED_PROXY_HOPS).
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === 'request') stampPeer(args[0] as http.IncomingMessage);
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof proto.emit;
}
