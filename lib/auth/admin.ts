// Who may change security settings (e.g. require two-factor for every staff member): lib/auth/roles.ts.
import type { Viewer } from '@/lib/viewer';
import { canDo } from './roles';

export function canManageSecurity(viewer: Viewer | null | undefined): viewer is Viewer {
  return !!viewer && canDo(viewer, 'security.manage');
}
