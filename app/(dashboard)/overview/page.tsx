import type { Metadata } from 'next';
import { Overview } from '@/components/overview/overview.tsx';
import { roleAllows } from '@/lib/auth/permissions.ts';
import { requirePrincipal } from '../../_lib/session.ts';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  const principal = await requirePrincipal();
  return (
    <div>
      <h1 className="mb-4 text-xl font-semibold">Overview</h1>
      <Overview isAdmin={principal.role === 'admin'} canRetry={roleAllows(principal.role, 'runs:retry')} canCancel={roleAllows(principal.role, 'runs:cancel')} />
    </div>
  );
}
