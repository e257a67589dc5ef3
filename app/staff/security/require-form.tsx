'use client';

import { useActionState } from 'react';
import { resetTwoFactorAction, setStaffTwoFactorAction, type SecurityState } from './actions';

export function RequireTwoFactorForm({ required }: { required: boolean }) {
  const [state, action, pending] = useActionState<SecurityState, FormData>(setStaffTwoFactorAction, {});
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="required" value={required ? 'off' : 'on'} />
      <p data-testid="staff-two-factor-setting" className="text-sm text-slate-700">
        {required
          ? 'Every staff member must sign in with a code from their phone. Staff who have not set it up are asked to before anything else.'
          : 'Staff may sign in with a password alone. Staff who turned on two-factor are still asked for their code.'}
      </p>
      {state.error && <p role="alert" data-testid="form-error" className="rounded-xl bg-red-50 px-4 py-3 text-sm text-red-800">{state.error}</p>}
      <button type="submit" className={required ? 'btn-secondary w-full sm:w-auto' : 'btn-primary w-full sm:w-auto'} disabled={pending}>
        {required ? 'Stop requiring it' : 'Require for all staff'}
      </button>
    </form>
  );
}

/** For a staff member who lost their phone and recovery codes. */
export function ResetTwoFactorForm({ userId, name }: { userId: string; name: string }) {
  const [state, action, pending] = useActionState<SecurityState, FormData>(resetTwoFactorAction, {});
  return (
    <form action={action} className="mt-1">
      <input type="hidden" name="userId" value={userId} />
      <button type="submit" className="text-xs font-semibold text-red-700 underline" disabled={pending} aria-label={`Reset two-factor for ${name}`}>
        Reset (lost phone)
      </button>
      {state.error && <p role="alert" className="text-xs text-red-800">{state.error}</p>}
    </form>
  );
}
