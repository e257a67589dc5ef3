// Who is asking. Every data-access function takes one, so authorisation lives with the query.
export type Role = 'policyholder' | 'staff' | 'admin';
export type Viewer = { userId: string; role: Role };

export function isStaff(viewer: Viewer) {
  return viewer.role === 'staff' || viewer.role === 'admin';
}
