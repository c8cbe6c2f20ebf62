import type { Metadata } from 'next';
import { JobsPanel } from '@/components/jobs/jobs-panel.tsx';
import { roleAllows } from '@/lib/auth/permissions.ts';
import { requirePrincipal } from '../../_lib/session.ts';

export const metadata: Metadata = { title: 'Jobs' };

export default async function JobsPage() {
  const principal = await requirePrincipal();
  return (
    <div>
      <h1 className="mb-4 text-xl font-semibold">Jobs</h1>
      <JobsPanel
        canTrigger={roleAllows(principal.role, 'jobs:trigger')}
        canEdit={roleAllows(principal.role, 'jobs:edit')}
        grants={principal.grants}
        isAdmin={principal.role === 'admin'}
      />
    </div>
  );
}
