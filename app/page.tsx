import { redirect } from 'next/navigation';
import { currentViewer } from '@/lib/auth/session';

export default async function Home() {
  const viewer = await currentViewer();
  if (viewer?.role === 'payer' && viewer.scope) redirect(`/pay/${viewer.scope.policyId}`);
  redirect(viewer && viewer.role !== 'payer' ? (viewer.role === 'policyholder' ? '/dashboard' : '/staff') : '/login');
}
