import Link from 'next/link';

export function SandboxBanner() {
  return (
    <div role="note" className="bg-amber-100 px-4 py-2 text-center text-sm text-amber-900">
      <strong>Sandbox</strong>: no real money moves. Approve M-Pesa prompts on the{' '}
      <Link href="/sandbox/phone" className="font-semibold underline">
        simulated phone
      </Link>
      .
    </div>
  );
}
