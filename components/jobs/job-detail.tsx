'use client';

import { useQuery } from '@tanstack/react-query';
import type { JobDetailDto } from '@/lib/data/jobs.ts';
import type { RunDto } from '@/lib/runs/run-dto.ts';
import { apiFetch, ApiError } from '../api-client.ts';
import { formatDuration, formatRelative } from '../ui/format.ts';
import { Time } from '../ui/time.tsx';
import { ErrorNote, LoadingRows, Panel } from '../ui/panel.tsx';
import { RunsTable } from '../runs/runs-table.tsx';
import { ConfigForm } from './config-form.tsx';
import { DependencyGraph } from './dependency-graph.tsx';
import { JobControls } from './job-controls.tsx';

/** Durations of the last completed runs, oldest first, as a line (inline SVG). */
function DurationTrend({ name }: { name: string }) {
  const runs = useQuery({
    queryKey: ['runs', 'trend', name],
    queryFn: () => apiFetch<{ runs: RunDto[] }>(`/api/runs?job=${encodeURIComponent(name)}&status=completed&limit=50`),
    refetchInterval: 30_000,
  });
  const points = (runs.data?.runs ?? []).filter((run) => run.durationMs != null).reverse();
  if (runs.isPending) return <LoadingRows label="Loading durations" rows={2} />;
  if (points.length < 2) return <p className="px-4 py-6 text-sm text-muted">Not enough completed runs for a trend yet.</p>;
  const max = Math.max(...points.map((run) => run.durationMs!), 1);
  const width = 600;
  const height = 120;
  const path = points.map((run, index) => `${index === 0 ? 'M' : 'L'}${(index / (points.length - 1)) * width},${height - (run.durationMs! / max) * (height - 10)}`).join(' ');
  return (
    <figure className="p-4">
      <svg viewBox={`0 0 ${width} ${height}`} className="h-32 w-full" role="img" aria-label={`Durations of the last ${points.length} completed runs`}>
        <path d={path} fill="none" strokeWidth={2} className="stroke-accent" />
      </svg>
      <figcaption className="mt-1 text-xs text-muted">
        Last {points.length} completed runs · longest {formatDuration(max)} · latest {formatDuration(points.at(-1)!.durationMs)}
      </figcaption>
    </figure>
  );
}

export function JobDetail({ name, canEdit, canRetry, canCancel }: { name: string; canEdit: boolean; canRetry: boolean; canCancel: boolean }) {
  const job = useQuery({ queryKey: ['job', name], queryFn: () => apiFetch<{ job: JobDetailDto }>(`/api/jobs/${encodeURIComponent(name)}`) });
  if (job.error && !job.data) {
    return job.error instanceof ApiError && job.error.status === 404 ? <Panel title="Job not found"><p className="px-4 py-8 text-center text-sm text-muted">No job is called “{name}”.</p></Panel> : <ErrorNote what="the job" error={job.error} />;
  }
  if (!job.data) return <LoadingRows label="Loading the job" rows={6} />;
  const detail = job.data.job;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <p className="text-xs text-muted">Jobs / {detail.category}</p>
          <h1 className="mt-1 truncate text-xl font-semibold" title={detail.name}>
            {detail.name}
          </h1>
          <p className="mt-1 text-sm text-muted">{detail.description}</p>
        </div>
        {canEdit ? <JobControls job={detail} /> : null}
      </div>
      <Panel title="Schedule and policies">
        <dl className="grid grid-cols-2 gap-4 p-4 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-xs text-muted">Schedule</dt>
            <dd>{detail.schedule?.words ?? 'Manual only'}</dd>
          </div>
          <div>
            <dt className="text-xs text-muted">Next fires</dt>
            <dd>{detail.schedule && detail.enabled ? detail.schedule.next.map((next) => <div key={next}>
                      <Time at={next} /> ({formatRelative(next)})
                    </div>) : '—'}</dd>
          </div>
          <div>
            <dt className="text-xs text-muted">Window</dt>
            <dd>{detail.window ? `hours ${detail.window.hours} (${detail.window.tz})` : 'Any time'}</dd>
          </div>
          <div>
            <dt className="text-xs text-muted">Retries</dt>
            <dd>{detail.retry.attempts <= 1 ? 'No retries' : `${detail.retry.attempts} attempts, ${detail.retry.backoff} backoff from ${formatDuration(detail.retry.delayMs)}`}</dd>
          </div>
          <div>
            <dt className="text-xs text-muted">Timeout</dt>
            <dd>{formatDuration(detail.timeoutMs)}</dd>
          </div>
          <div>
            <dt className="text-xs text-muted">Exclusive</dt>
            <dd>{detail.exclusive ? `yes, lock ${formatDuration(detail.exclusive.lockTtlMs)}` : 'no'}</dd>
          </div>
          <div>
            <dt className="text-xs text-muted">Priority</dt>
            <dd>{detail.priority}</dd>
          </div>
          <div>
            <dt className="text-xs text-muted">Config version</dt>
            <dd>{detail.configVersion}</dd>
          </div>
        </dl>
      </Panel>
      <div className="grid gap-6 lg:grid-cols-2">
        <Panel title="Configuration">
          <ConfigForm name={detail.name} schema={detail.configSchema} config={(detail.config ?? {}) as Record<string, unknown>} canEdit={canEdit} />
        </Panel>
        <div className="space-y-6">
          <Panel title="Duration trend">
            <DurationTrend name={detail.name} />
          </Panel>
          <Panel title="Dependencies">
            <DependencyGraph name={detail.name} dependsOn={detail.dependsOn} dependents={detail.dependents} />
          </Panel>
        </div>
      </div>
      <RunsTable job={detail.name} title="Run history" canRetry={canRetry} canCancel={canCancel} />
    </div>
  );
}
