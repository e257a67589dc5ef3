// The holder's SMS reminder setting (issue 16): a plain form, works without JavaScript.
import { eq } from 'drizzle-orm';
import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';
import { currentViewer } from '@/lib/auth/session';
import { setSmsReminders } from '@/lib/sms/reminders';

async function toggleSmsReminders(formData: FormData) {
  'use server';
  const viewer = await currentViewer();
  if (!viewer) return;
  await setSmsReminders(await getDb(), viewer, formData.get('on') === '1');
  revalidatePath('/dashboard');
}

export async function SmsRemindersSetting({ userId }: { userId: string }) {
  const [me] = await (await getDb()).select({ on: users.smsReminders, phone: users.phone }).from(users).where(eq(users.id, userId));
  if (!me?.phone) return null;
  return (
    <form action={toggleSmsReminders} className="card flex items-center justify-between gap-3 text-sm" data-testid="sms-reminders">
      <input type="hidden" name="on" value={me.on ? '0' : '1'} />
      <p>
        <span className="font-semibold">SMS reminders</span>{' '}
        <span data-testid="sms-reminders-state">{me.on ? 'are on' : 'are off'}</span>: 7 days before, on the due day and if 3 days late.
      </p>
      <button className="btn-secondary shrink-0 px-3">{me.on ? 'Turn off' : 'Turn on'}</button>
    </form>
  );
}
