import type { Metadata } from 'next';
import { JobsPanel } from '@/components/jobs/jobs-panel.tsx';
import { ScheduleView } from '@/components/jobs/schedule-view.tsx';
import { roleAllows } from '@/lib/auth/permissions.ts';
import { requirePrincipal } from '../../_lib/session.ts';

export const metadata: Metadata = { title: 'Jobs' };

export default async function JobsPage() {
  const principal = await requirePrincipal();
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">Jobs</h1>
      <ScheduleView />
      <JobsPanel
        canTrigger={roleAllows(principal.role, 'jobs:trigger')}
        canEdit={roleAllows(principal.role, 'jobs:edit')}
        grants={principal.grants}
        isAdmin={principal.role === 'admin'}
      />
    </div>
  );
}
