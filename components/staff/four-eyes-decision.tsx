// The second pair of eyes on a movement of money (refunds, allocations by hand, Paybill
// allocations): the raiser and a first approver are told why they cannot decide; anyone else
// approves or rejects with a note. The server applies the rule again (lib/approvals/four-eyes.ts).
import type { ReactNode } from 'react';
import type { ActionState } from '@/lib/staff/action-state';
import { ActionForm } from './action-form';

type ServerAction = (prev: ActionState, form: FormData) => Promise<ActionState>;

export function FourEyesDecision({
  action,
  hidden,
  raisedByMe,
  approvedByMe,
  what,
  noteId,
  noteLabel = 'Note (required)',
  testId,
  children,
}: {
  action: ServerAction;
  /** The hidden inputs naming what is decided. */
  hidden: ReactNode;
  raisedByMe: boolean;
  approvedByMe: boolean;
  /** "this", "this refund": used in "You raised this, so…". */
  what: string;
  noteId: string;
  noteLabel?: string;
  testId: string;
  /** Anything to say before the note (what approving will do). */
  children?: ReactNode;
}) {
  if (raisedByMe || approvedByMe) {
    return (
      <p className="rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-700">
        {raisedByMe
          ? `You raised ${what}, so another finance member decides on it.`
          : 'You gave the first approval. A second, different finance member must approve it too.'}
      </p>
    );
  }
  return (
    <ActionForm action={action} submitLabel="Save decision" pendingLabel="Saving…" testId={testId}>
      {hidden}
      <fieldset className="grid grid-cols-2 gap-2">
        <legend className="label">Decision</legend>
        <label className="flex min-h-12 items-center gap-2 rounded-xl border border-slate-300 px-3">
          <input type="radio" name="decision" value="approve" required /> Approve
        </label>
        <label className="flex min-h-12 items-center gap-2 rounded-xl border border-slate-300 px-3">
          <input type="radio" name="decision" value="reject" required /> Reject
        </label>
      </fieldset>
      {children}
      <div>
        <label htmlFor={noteId} className="label">{noteLabel}</label>
        <textarea id={noteId} name="note" required minLength={3} maxLength={1000} rows={2} className="field" />
      </div>
    </ActionForm>
  );
}
