import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { JobDetail } from '@/components/jobs/job-detail.tsx';
import { roleAllows } from '@/lib/auth/permissions.ts';
import { findJob } from '@/lib/jobs/catalog.ts';
import { decodeParam } from '../../../_lib/route-param.ts';
import { requirePrincipal } from '../../../_lib/session.ts';

type Params = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const job = findJob(decodeParam((await params).name));
  return { title: job ? `${job.name} · Jobs` : 'Job not found' };
}

export default async function JobPage({ params }: Params) {
  const [{ name }, principal] = await Promise.all([params, requirePrincipal()]);
  const job = findJob(decodeParam(name));
  if (!job) notFound();
  return (
    <JobDetail
      name={job.name}
      canEdit={roleAllows(principal.role, 'jobs:edit')}
      canRetry={roleAllows(principal.role, 'runs:retry')}
      canCancel={roleAllows(principal.role, 'runs:cancel')}
    />
  );
}
