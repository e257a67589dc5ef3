'use server';
// The insurer's systems (administrators): API keys and webhook endpoints. The role is checked
// here and again in lib/integration/.
import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import type { SecretState } from '@/components/staff/secret-once-form';
import { createEndpoint, resendDelivery, rotateEndpointSecret, setEndpointEnabled } from '@/lib/integration/endpoints';
import { createApiKey, revokeApiKey } from '@/lib/integration/keys';
import { NOT_STAFF, toState, type ActionState } from '@/lib/staff/action-state';
import { staffViewerOrNull } from '@/lib/staff/session';

const field = (form: FormData, name: string) => String(form.get(name) ?? '').slice(0, 2000);
const list = (form: FormData, name: string) => form.getAll(name).map((v) => String(v).slice(0, 100)).slice(0, 20);

function done<T extends ActionState>(state: T): T {
  revalidatePath('/staff/integrations');
  return state;
}

function withSecret(r: { ok: true; message: string; key?: string; secret?: string } | { ok: false; error: string }): SecretState {
  return r.ok ? { ok: true, message: r.message, secret: r.key ?? r.secret } : { ok: false, message: r.error };
}

export async function createKeyAction(_prev: SecretState, form: FormData): Promise<SecretState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  return done(withSecret(await createApiKey(await getDb(), viewer, { name: field(form, 'name'), scopes: list(form, 'scopes') })));
}

export async function revokeKeyAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  return done(toState(await revokeApiKey(await getDb(), viewer, field(form, 'keyId'))));
}

export async function createEndpointAction(_prev: SecretState, form: FormData): Promise<SecretState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  return done(withSecret(await createEndpoint(await getDb(), viewer, { url: field(form, 'url'), description: field(form, 'description'), events: list(form, 'events') })));
}

export async function rotateSecretAction(_prev: SecretState, form: FormData): Promise<SecretState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  return done(withSecret(await rotateEndpointSecret(await getDb(), viewer, field(form, 'endpointId'))));
}

export async function setEnabledAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  return done(toState(await setEndpointEnabled(await getDb(), viewer, field(form, 'endpointId'), field(form, 'enabled') === '1')));
}

export async function resendAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  return done(toState(await resendDelivery(await getDb(), viewer, field(form, 'deliveryId'))));
}
