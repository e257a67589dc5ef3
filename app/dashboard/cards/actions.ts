'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { currentViewer } from '@/lib/auth/session';
import { removeSavedCard } from '@/lib/payments/saved-cards';

export async function removeCardAction(formData: FormData) {
  const viewer = await currentViewer();
  const id = z.string().uuid().safeParse(formData.get('cardId'));
  if (!viewer || !id.success) return;
  await removeSavedCard(await getDb(), viewer, id.data);
  revalidatePath('/dashboard/cards');
}
