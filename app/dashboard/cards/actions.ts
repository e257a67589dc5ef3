'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { uuidField } from '@/lib/uuid';
import { getDb } from '@/db/client';
import { currentViewer } from '@/lib/auth/session';
import { removeSavedCard, restoreSavedCard } from '@/lib/payments/saved-cards';

const cardId = uuidField();

// Plain form posts that redirect, so confirm → remove → undo works without JavaScript too.
export async function removeCardAction(formData: FormData) {
  const viewer = await currentViewer();
  const id = cardId.safeParse(formData.get('cardId'));
  if (!viewer || !id.success) redirect('/dashboard/cards');
  const removed = await removeSavedCard(await getDb(), viewer, id.data);
  revalidatePath('/dashboard/cards');
  redirect(removed ? `/dashboard/cards?removed=${id.data}` : '/dashboard/cards');
}

export async function undoRemoveCardAction(formData: FormData) {
  const viewer = await currentViewer();
  const id = cardId.safeParse(formData.get('cardId'));
  if (!viewer || !id.success) redirect('/dashboard/cards');
  const restored = await restoreSavedCard(await getDb(), viewer, id.data);
  revalidatePath('/dashboard/cards');
  redirect(restored ? '/dashboard/cards?restored=1' : '/dashboard/cards');
}
