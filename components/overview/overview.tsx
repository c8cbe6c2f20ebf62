'use client';

import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { StatsDto } from '@/lib/data/stats.ts';
import { apiFetch } from '../api-client.ts';
import { Tag } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { formatDuration, formatRelative } from '../ui/format.ts';
import { EmptyNote, ErrorNote, LoadingRows, Panel } from '../ui/panel.tsx';
import { TableHead } from '../ui/table-head.tsx';
import { RunsTable } from '../runs/runs-table.tsx';
import { useTimeZone } from '../time-zone.tsx';

function Stat({ label, value, tone = 'plain' }: { label: string; value: string; tone?: 'plain' | 'bad' | 'good' }) {
  const color = tone === 'bad' ? 'text-danger' : tone === 'good' ? 'text-success' : '';
  return (
    <div className="rounded-lg bg-surface p-4 shadow-sm ring-1 ring-line">
      <p className="text-xs text-muted">{label}</p>
      <p className={`mt-1 text-2xl font-semibold tabular-nums ${color}`}>{value}</p>
    </div>
  );
}

/** Completed and failed runs per hour as stacked bars (inline SVG, readable without a chart library). */
function HourlyChart({ hours }: { hours: StatsDto['perHour'] }) {
  const max = Math.max(1, ...hours.map((hour) => hour.completed + hour.failed));
  const width = 720;
  const height = 160;
  const bar = width / Math.max(1, hours.length);
  const { zone } = useTimeZone();
  return (
    <figure className="p-4">
      <svg viewBox={`0 0 ${width} ${height + 18}`} className="h-44 w-full" role="img" aria-label="Completed and failed runs per hour over the last 24 hours">
        {hours.map((hour, index) => {
          const completed = (hour.completed / max) * height;
          const failed = (hour.failed / max) * height;
          const x = index * bar + 2;
          const label = new Date(hour.hour).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: zone });
          return (
            <g key={hour.hour}>
              <title>{`${label}: ${hour.completed} completed, ${hour.failed} failed`}</title>
              <rect x={x} y={height - completed - failed} width={bar - 4} height={failed} className="fill-danger-solid" />
              <rect x={x} y={height - completed} width={bar - 4} height={completed} className="fill-success-solid" />
              {index % 4 === 0 ? (
                <text x={x} y={height + 14} className="fill-muted text-[10px]">
                  {label}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption className="mt-1 flex gap-4 text-xs text-muted">
        <span className="flex items-center gap-1">
          <span className="size-2 rounded-sm bg-success-solid" /> completed
        </span>
        <span className="flex items-center gap-1">
          <span className="size-2 rounded-sm bg-danger-solid" /> failed
        </span>
      </figcaption>
    </figure>
  );
}

export function Overview({ isAdmin, canRetry, canCancel }: { isAdmin: boolean; canRetry: boolean; canCancel: boolean }) {
  const queryClient = useQueryClient();
  const stats = useQuery({
    queryKey: ['stats'],
    queryFn: () => apiFetch<StatsDto>('/api/stats?window=24h'),
    refetchInterval: (query) => ((query.state.data?.now.running ?? 0) + (query.state.data?.now.waiting ?? 0) > 0 ? 2_000 : 30_000),
  });
  const queueAction = useMutation({
    mutationFn: ({ category, action }: { category: string; action: 'pause' | 'resume' }) => apiFetch(`/api/queues/${category}/${action}`, { method: 'POST' }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['stats'] }),
  });

  if (stats.error && !stats.data) return <ErrorNote what="the overview" error={stats.error} />;
  if (!stats.data) return <LoadingRows label="Loading the overview" rows={6} />;
  const { totals, now, perHour, queues, workers, slowestJobs } = stats.data;
  return (
    <div className="space-y-6">
      <div className="grid grid-cols-2 gap-4 md:grid-cols-5">
        <Stat label="Runs, last 24 h" value={totals.runs.toLocaleString('en')} />
        <Stat label="Success rate" value={totals.successRate == null ? '—' : `${(totals.successRate * 100).toFixed(1)} %`} tone={totals.successRate != null && totals.successRate < 0.95 ? 'bad' : 'good'} />
        <Stat label="Failed, last 24 h" value={totals.failed.toLocaleString('en')} tone={totals.failed > 0 ? 'bad' : 'plain'} />
        <Stat label="Running now" value={now.running.toLocaleString('en')} />
        <Stat label="Waiting now" value={now.waiting.toLocaleString('en')} />
      </div>
      <Panel title="Runs per hour">
        <HourlyChart hours={perHour} />
      </Panel>
      <div className="grid gap-6 lg:grid-cols-2">
        <Panel title="Queues">
          <table className="w-full text-left text-sm">
            <TableHead
              columns={[
                { label: 'Queue' },
                { label: 'Waiting', className: 'text-right' },
                { label: 'Active', className: 'text-right' },
                { label: 'Delayed', className: 'text-right' },
                { label: 'Failed', className: 'text-right' },
                { label: 'State', srOnly: true },
              ]}
            />
            <tbody className="divide-y divide-line">
              {queues.map((queue) => (
                <tr key={queue.category} data-queue={queue.category}>
                  <td className="px-4 py-2 font-medium">{queue.category}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{queue.waiting}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{queue.active}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{queue.delayed}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{queue.failed}</td>
                  <td className="px-4 py-2 text-right">
                    {queue.paused ? <span className="mr-2"><Tag tone="warning">paused</Tag></span> : null}
                    {isAdmin ? (
                      <Button size="sm" onClick={() => queueAction.mutate({ category: queue.category, action: queue.paused ? 'resume' : 'pause' })}>
                        {queue.paused ? 'Resume' : 'Pause'}
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
        <div className="space-y-6">
          <Panel title="Workers">
            {workers.length === 0 ? (
              <EmptyNote title="No worker has reported" hint="Start one with npm start or npm run worker." />
            ) : (
              <ul className="divide-y divide-line">
                {workers.map((worker) => (
                  <li key={worker.id} className="flex items-center gap-3 px-4 py-2 text-sm">
                    <span className={`size-2 rounded-full ${worker.online ? 'bg-success-solid' : 'bg-neutral-solid'}`} aria-hidden />
                    <span className="min-w-0 flex-1 truncate font-mono text-xs" title={worker.id}>
                      {worker.id}
                    </span>
                    <span className="text-xs text-muted">{worker.activeRuns} active</span>
                    <span className="text-xs text-muted">{Math.round(worker.rssBytes / 1024 / 1024)} MiB</span>
                    <span className="w-28 text-right text-xs text-muted">{worker.online ? 'online' : 'offline'} · {formatRelative(worker.lastSeenAt)}</span>
                  </li>
                ))}
              </ul>
            )}
          </Panel>
          <Panel title="Slowest jobs">
            {slowestJobs.length === 0 ? (
              <EmptyNote title="No completed runs in the last 24 hours" />
            ) : (
              <ul className="divide-y divide-line">
                {slowestJobs.map((job) => (
                  <li key={job.jobName} className="flex items-center justify-between gap-3 px-4 py-2 text-sm">
                    <Link href={`/jobs/${encodeURIComponent(job.jobName)}`} className="truncate hover:underline" title={job.jobName}>
                      {job.jobName}
                    </Link>
                    <span className="text-xs whitespace-nowrap text-muted">p95 {formatDuration(job.p95DurationMs)}</span>
                  </li>
                ))}
              </ul>
            )}
          </Panel>
        </div>
      </div>
      <RunsTable title="Recent failures" showFilters={false} canRetry={canRetry} canCancel={canCancel} initialFilters={{ status: 'failed', limit: '8' }} />
    </div>
  );
}
