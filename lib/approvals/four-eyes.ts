// Four eyes on every movement of money: whoever raised it never approves it, and above
// SECOND_APPROVAL_ABOVE_KES a second, different approver must agree too. A pure rule, so every
// kind of money movement (refunds today; manual allocations and credit pay-outs when they exist)
// applies the same one under its own row lock.

export type ApprovalState = {
  /** Who raised the movement (a holder, or a staff member on a holder's behalf). */
  raisedBy: string;
  /** The first approval already given, when a second one is needed. */
  firstApprovedBy: string | null;
  amountMinor: number;
};

export type ApprovalStep =
  | { ok: true; final: true }
  /** Recorded as the first approval; a second, different approver is still needed. */
  | { ok: true; final: false }
  | { ok: false; error: string };

export function needsSecondApproval(amountMinor: number, thresholdMinor: number) {
  return amountMinor > thresholdMinor;
}

/** What `approverId` approving now means for a movement in `state`. */
export function approvalStep(state: ApprovalState, approverId: string, thresholdMinor: number): ApprovalStep {
  if (approverId === state.raisedBy) {
    return { ok: false, error: 'You raised this, so someone else in finance must approve it. Nothing was changed.' };
  }
  if (state.firstApprovedBy === approverId) {
    return { ok: false, error: 'You have already approved this. A second, different finance member must approve it too. Nothing was changed.' };
  }
  if (needsSecondApproval(state.amountMinor, thresholdMinor) && !state.firstApprovedBy) return { ok: true, final: false };
  return { ok: true, final: true };
}
