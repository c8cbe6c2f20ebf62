import type { Metadata } from 'next';
import { JobsPanel } from '@/components/jobs/jobs-panel.tsx';
import { RunsTable } from '@/components/runs/runs-table.tsx';
import { roleAllows } from '@/lib/auth/permissions.ts';
import { requirePrincipal } from '../../_lib/session.ts';

export const metadata: Metadata = { title: 'Runs' };

export default async function RunsPage() {
  const principal = await requirePrincipal();
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
      <div>
        <h1 className="mb-4 text-xl font-semibold">Runs</h1>
        <RunsTable />
      </div>
      <div className="lg:pt-11">
        <JobsPanel canTrigger={roleAllows(principal.role, 'jobs:trigger')} />
      </div>
    </div>
  );
}
