// Who may load the insurer's book and edit products: lib/auth/roles.ts ('book.manage').
import { canDo } from '@/lib/auth/roles';
import type { Viewer } from '@/lib/viewer';

export function canManageBook(viewer: Viewer | null | undefined): viewer is Viewer {
  return !!viewer && canDo(viewer, 'book.manage');
}

export const NOT_ALLOWED = { ok: false as const, code: 'forbidden' as const, error: 'Only admin or finance staff can load the book or edit products. Nothing was changed.' };
