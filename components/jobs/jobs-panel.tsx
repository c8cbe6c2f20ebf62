'use client';

import Link from 'next/link';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { JobSummaryDto } from '@/lib/data/jobs.ts';
import { isActive } from '@/lib/jobs/run-state.ts';
import { apiFetch } from '../api-client.ts';
import { Tag } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { formatDuration, formatRelative } from '../ui/format.ts';
import { ErrorNote, LoadingRows, Panel } from '../ui/panel.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';
import { JobControls } from './job-controls.tsx';
import { RunNowDialog, runNowQueries } from './run-now-dialog.tsx';

/** The catalog grouped by category: schedule, next fire, last run, 24 h health, and the controls a role may use. */
export function JobsPanel({ canTrigger, canEdit, grants, isAdmin }: { canTrigger: boolean; canEdit: boolean; grants: string[]; isAdmin: boolean }) {
  const queryClient = useQueryClient();
  const jobs = useQuery({
    queryKey: ['jobs'],
    queryFn: () => apiFetch<{ jobs: JobSummaryDto[] }>('/api/jobs'),
    refetchInterval: (query) => (query.state.data?.jobs.some((job) => job.lastRun && isActive(job.lastRun.status)) ? 2_000 : 30_000),
  });
  const [queued, setQueued] = useState<{ jobName: string; runId: string } | null>(null);
  const [dialog, setDialog] = useState<{ jobName: string } | null>(null);
  const mayTrigger = (job: JobSummaryDto) => canTrigger && (isAdmin || grants.some((grant) => grant === '*' || grant === job.name || grant === `category:${job.category}`));

  /** Opens the payload form at the job's defaults, once the form's schema is here (focus lands in it). */
  async function openRunNow(job: JobSummaryDto) {
    const [jobQuery, templatesQuery] = runNowQueries(job.name);
    await Promise.all([queryClient.prefetchQuery(jobQuery), queryClient.prefetchQuery(templatesQuery)]);
    setDialog({ jobName: job.name });
  }

  if (jobs.error && !jobs.data) return <ErrorNote what="jobs" error={jobs.error} />;
  if (!jobs.data) return <LoadingRows label="Loading jobs" rows={5} />;
  const byCategory = new Map<string, JobSummaryDto[]>();
  for (const job of jobs.data.jobs) byCategory.set(job.category, [...(byCategory.get(job.category) ?? []), job]);

  return (
    <div className="space-y-6">
      {dialog ? <RunNowDialog jobName={dialog.jobName} isAdmin={isAdmin} onClose={() => setDialog(null)} onQueued={(runId) => setQueued({ jobName: dialog.jobName, runId })} /> : null}
      {[...byCategory].map(([category, list]) => (
        <Panel key={category} title={category} actions={<span>{list.length} {list.length === 1 ? 'job' : 'jobs'}</span>}>
          <ul className="divide-y divide-line">
            {list.map((job) => (
              <li key={job.name} data-job={job.name} className="flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
                <div className="min-w-0 flex-1 basis-72">
                  <div className="flex items-center gap-2">
                    <Link href={`/jobs/${encodeURIComponent(job.name)}`} className="truncate text-sm font-medium hover:underline" title={job.name}>
                      {job.name}
                    </Link>
                    {job.lastRun ? (
                      <Link href={`/runs/${job.lastRun.id}`} className="rounded-full">
                        <span className="sr-only">Last run of {job.name}: </span>
                        <StatusBadge status={job.lastRun.status} />
                      </Link>
                    ) : null}
                    {!job.enabled ? <Tag>disabled</Tag> : null}
                    {job.pausedUntil && new Date(job.pausedUntil).getTime() > Date.now() ? (
                      <Tag tone="warning">paused {formatRelative(job.pausedUntil)}</Tag>
                    ) : null}
                  </div>
                  <p className="truncate text-xs text-muted" title={job.schedule?.words ?? 'Manual only'}>
                    {job.schedule ? job.schedule.words : 'Manual only'}
                    {job.schedule?.next[0] && job.enabled ? ` · next ${formatRelative(job.schedule.next[0])}` : ''}
                  </p>
                </div>
                <dl className="flex gap-5 text-xs">
                  <div>
                    <dt className="text-muted">24 h ok</dt>
                    <dd className="tabular-nums">{job.stats24h.successRate == null ? '—' : `${Math.round(job.stats24h.successRate * 100)} %`}</dd>
                  </div>
                  <div>
                    <dt className="text-muted">Typical</dt>
                    <dd className="tabular-nums">{formatDuration(job.stats24h.p50DurationMs)}</dd>
                  </div>
                  <div>
                    <dt className="text-muted">Runs</dt>
                    <dd className="tabular-nums">{job.stats24h.total}</dd>
                  </div>
                </dl>
                {canEdit ? <JobControls job={job} /> : null}
                {mayTrigger(job) ? (
                  <Button size="sm" variant="primary" disabled={!job.enabled} onClick={() => void openRunNow(job)}>
                    Run now
                  </Button>
                ) : null}
                {queued?.jobName === job.name ? (
                  // Next to the button (where focus returns when the dialog closes), so the link is the next Tab stop.
                  <p role="status" className="basis-full rounded-md bg-success-soft px-3 py-2 text-sm text-success">
                    Queued {queued.jobName}.{' '}
                    <Link href={`/runs/${queued.runId}`} className="font-medium underline">
                      View run
                    </Link>
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        </Panel>
      ))}
    </div>
  );
}
