// Who may change security settings (e.g. require two-factor for every staff member). One helper,
// so the staff-roles rework can point it at the right role without hunting for call sites.
import type { Viewer } from '@/lib/viewer';

export function canManageSecurity(viewer: Viewer | null | undefined): viewer is Viewer {
  return viewer?.role === 'admin';
}
