import type { Metadata } from 'next';
import { JobDetail } from '@/components/jobs/job-detail.tsx';
import { roleAllows } from '@/lib/auth/permissions.ts';
import { requirePrincipal } from '../../../_lib/session.ts';

export const metadata: Metadata = { title: 'Job' };

export default async function JobPage({ params }: { params: Promise<{ name: string }> }) {
  const [{ name }, principal] = await Promise.all([params, requirePrincipal()]);
  return (
    <JobDetail
      name={decodeURIComponent(name)}
      canEdit={roleAllows(principal.role, 'jobs:edit')}
      canRetry={roleAllows(principal.role, 'runs:retry')}
      canCancel={roleAllows(principal.role, 'runs:cancel')}
    />
  );
}
