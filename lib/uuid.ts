// The one UUID check: any 8-4-4-4-12 hex id (z.uuid() would also insist on RFC variant bits, which
// ids from other systems and hand-made test ids do not always have).
import { z } from 'zod';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(v: unknown): v is string {
  return typeof v === 'string' && UUID.test(v);
}

/** A form or JSON field holding an id, with the message a person sees when it is not one. */
export function uuidField(message = 'Unknown id.') {
  return z.string().refine(isUuid, { message });
}
