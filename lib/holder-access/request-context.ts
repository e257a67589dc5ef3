// What server actions need to know about the request: the client's address (for abuse limits)
// and the origins it may be returning to.
import { headers } from 'next/headers';
import { appOrigin } from '@/lib/env';
import { requestOrigin } from './return-path';

export async function clientAddress(): Promise<string> {
  const h = await headers();
  // The first hop of X-Forwarded-For is the client as our reverse proxy saw it.
  return (h.get('x-forwarded-for')?.split(',')[0].trim() || h.get('x-real-ip') || 'direct').slice(0, 64);
}

export async function ownOrigins(): Promise<string[]> {
  const fromRequest = requestOrigin(await headers());
  return [appOrigin(), ...(fromRequest ? [fromRequest] : [])];
}
