import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { RunDetail } from '@/components/runs/run-detail.tsx';
import { roleAllows } from '@/lib/auth/permissions.ts';
import { findRunLabel } from '@/lib/data/runs.ts';
import { decodeParam } from '../../../_lib/route-param.ts';
import { requirePrincipal } from '../../../_lib/session.ts';

type Params = { params: Promise<{ id: string }> };

/** One lookup per request for the title and the page. */
const runLabel = cache(findRunLabel);

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const run = await runLabel(decodeParam((await params).id));
  return { title: run ? `Run ${run.id.slice(0, 8)} · ${run.jobName}` : 'Run not found' };
}

export default async function RunPage({ params }: Params) {
  const [{ id }, principal] = await Promise.all([params, requirePrincipal()]);
  const run = await runLabel(decodeParam(id));
  if (!run) notFound();
  return (
    <RunDetail
      id={run.id}
      canRetry={roleAllows(principal.role, 'runs:retry')}
      canCancel={roleAllows(principal.role, 'runs:cancel')}
      canTrigger={roleAllows(principal.role, 'jobs:trigger')}
      isAdmin={principal.role === 'admin'}
    />
  );
}
