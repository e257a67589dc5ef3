'use server';
// Loading the book and editing products. The role is checked here and again in lib/book.
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { canManageBook } from '@/lib/book/access';
import { confirmImport, discardImport, uploadBook } from '@/lib/book/imports';
import { updateProduct } from '@/lib/book/products';
import { toState, type ActionState } from '@/lib/staff/action-state';
import { staffViewerOrNull } from '@/lib/staff/session';

const NOT_ALLOWED: ActionState = { ok: false, message: 'Only admin or finance staff can do this. Nothing was changed.' };

export async function uploadBookAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!canManageBook(viewer)) return NOT_ALLOWED;
  const file = form.get('file');
  if (!(file instanceof File) || file.size === 0) return { ok: false, message: 'Choose the CSV file to upload.' };
  const r = await uploadBook(await getDb(), viewer, { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
  if (!r.ok) return { ok: false, message: r.error };
  redirect(`/staff/book/imports/${r.importId}`);
}

export async function confirmImportAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!canManageBook(viewer)) return NOT_ALLOWED;
  const id = String(form.get('importId') ?? '');
  const r = await confirmImport(await getDb(), viewer, id);
  revalidatePath(`/staff/book/imports/${id}`);
  return toState(r);
}

export async function discardImportAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!canManageBook(viewer)) return NOT_ALLOWED;
  const id = String(form.get('importId') ?? '');
  const r = await discardImport(await getDb(), viewer, id);
  revalidatePath(`/staff/book/imports/${id}`);
  return toState(r);
}

export async function updateProductAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!canManageBook(viewer)) return NOT_ALLOWED;
  const r = await updateProduct(await getDb(), viewer, {
    productId: String(form.get('productId') ?? ''),
    class: String(form.get('class') ?? ''),
    graceDays: String(form.get('graceDays') ?? ''),
  });
  revalidatePath('/staff/book/products');
  return toState(r);
}
