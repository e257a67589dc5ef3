// Payment initiation is rate-limited per user and per phone number: each attempt can put a PIN
// prompt on someone's phone or hit the gateways, so floods are refused before anything happens.
import type { Queryable } from '@/db/client';
import { abuseLimits, hitLimit, minutesText } from '@/lib/rate-limit';

export async function initiationRefusal(db: Queryable, userId: string, phone?: string): Promise<string | null> {
  const limits = abuseLimits();
  const perUser = await hitLimit(db, `pay:user:${userId}`, limits.paymentsPerUser);
  if (!perUser.allowed) return `Too many payment attempts. Please wait ${minutesText(perUser.retryAfterSeconds)} and try again.`;
  if (phone) {
    const perPhone = await hitLimit(db, `pay:phone:${phone}`, limits.paymentsPerPhone);
    if (!perPhone.allowed) return `Too many M-Pesa prompts to this number. Please wait ${minutesText(perPhone.retryAfterSeconds)} and try again.`;
  }
  return null;
}
