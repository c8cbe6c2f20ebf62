'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { JobSummaryDto } from '@/lib/data/jobs.ts';
import type { RunDetailDto } from '@/lib/runs/run-dto.ts';
import { apiFetch } from '../api-client.ts';
import { Button } from '../ui/button.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';
import { RunNowDialog } from './run-now-dialog.tsx';

/** The job catalog with a "Run now" button per job (hidden for roles that may not trigger). */
export function JobsPanel({ canTrigger }: { canTrigger: boolean }) {
  const jobs = useQuery({
    queryKey: ['jobs'],
    queryFn: () => apiFetch<{ jobs: JobSummaryDto[] }>('/api/jobs'),
    refetchInterval: 10_000,
  });
  const [message, setMessage] = useState<string | null>(null);
  const [dialog, setDialog] = useState<{ jobName: string; payload: unknown } | null>(null);

  /** Opens the payload form prefilled with the last run's payload. */
  async function openRunNow(job: JobSummaryDto) {
    const last = job.lastRun ? await apiFetch<{ run: RunDetailDto }>(`/api/runs/${job.lastRun.id}`).catch(() => null) : null;
    setDialog({ jobName: job.name, payload: last?.run.payload ?? {} });
  }

  return (
    <section aria-labelledby="jobs-heading" className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <header className="border-b border-slate-200 px-4 py-3 dark:border-slate-800">
        <h2 id="jobs-heading" className="text-sm font-semibold">
          Jobs
        </h2>
      </header>
      {message ? (
        <p role="status" className="px-4 pt-3 text-xs text-emerald-700 dark:text-emerald-300">
          {message}
        </p>
      ) : null}
      {dialog ? (
        <RunNowDialog
          jobName={dialog.jobName}
          initialPayload={dialog.payload}
          onClose={() => setDialog(null)}
          onQueued={(runId) => setMessage(`Queued ${dialog.jobName} (run ${runId.slice(0, 8)})`)}
        />
      ) : null}
      {jobs.isPending ? (
        <div className="space-y-2 p-4" aria-label="Loading jobs">
          <div className="h-10 animate-pulse rounded bg-slate-100 dark:bg-slate-800" />
        </div>
      ) : jobs.error ? (
        <p role="alert" className="p-4 text-sm text-rose-700">
          Could not load jobs: {jobs.error.message}
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 dark:divide-slate-800">
          {jobs.data.jobs.map((job) => (
            <li key={job.name} data-job={job.name} className="flex items-center gap-3 px-4 py-3">
              <div className="min-w-0 flex-1">
                <div className="flex items-center gap-2">
                  <span className="truncate text-sm font-medium" title={job.name}>
                    {job.name}
                  </span>
                  <span className="rounded bg-slate-100 px-1.5 py-0.5 text-[11px] text-slate-600 dark:bg-slate-800 dark:text-slate-300">{job.category}</span>
                  {job.lastRun ? <StatusBadge status={job.lastRun.status} /> : null}
                </div>
                <p className="truncate text-xs text-slate-500" title={job.description}>
                  {job.schedule?.words ?? 'Manual only'}
                  {job.stats24h.successRate != null ? ` · ${Math.round(job.stats24h.successRate * 100)}% ok in 24 h` : ''}
                </p>
              </div>
              {canTrigger ? (
                <Button size="sm" variant="primary" disabled={!job.enabled} onClick={() => void openRunNow(job)}>
                  Run now
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
