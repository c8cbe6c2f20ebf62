'use client';

import { useEffect, useState } from 'react';
import type { RunDto } from '@/lib/runs/run-dto.ts';
import { StatusBadge } from '../ui/status-badge.tsx';
import { formatDuration, formatTime } from '../ui/format.ts';
import { useRuns } from './use-runs.ts';

/** Re-renders every second so running rows show a live duration. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

function durationOf(run: RunDto, now: number): number | null {
  if (run.durationMs != null) return run.durationMs;
  if (run.startedAt && (run.status === 'running' || run.status === 'retrying')) return Math.max(0, now - new Date(run.startedAt).getTime());
  return null;
}

export function RunsTable({ job }: { job?: string }) {
  const { data, error, isPending, isFetching } = useRuns({ job, limit: '50' });
  const runs = data?.runs ?? [];
  const now = useNow(runs.some((run) => run.status === 'running' || run.status === 'retrying'));

  return (
    <section aria-labelledby="runs-heading" className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <header className="flex items-center justify-between border-b border-slate-200 px-4 py-3 dark:border-slate-800">
        <h2 id="runs-heading" className="text-sm font-semibold">
          Recent runs
        </h2>
        <span className="text-xs text-slate-500" aria-live="polite">
          {isFetching ? 'Refreshing…' : error ? 'Could not refresh' : ''}
        </span>
      </header>
      {error && !data ? (
        <p role="alert" className="px-4 py-10 text-center text-sm text-rose-700 dark:text-rose-300">
          Could not load runs: {error.message}
        </p>
      ) : isPending ? (
        <div className="space-y-2 p-4" aria-label="Loading runs">
          {Array.from({ length: 5 }, (_, index) => (
            <div key={index} className="h-8 animate-pulse rounded bg-slate-100 dark:bg-slate-800" />
          ))}
        </div>
      ) : runs.length === 0 ? (
        <div className="px-4 py-12 text-center">
          <p className="text-sm font-medium">No runs yet</p>
          <p className="mt-1 text-sm text-slate-500">Press “Run now” on a job, or wait for a schedule to fire.</p>
        </div>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full table-fixed text-left text-sm">
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-900/60 dark:text-slate-400">
              <tr>
                <th scope="col" className="w-[34%] px-4 py-2 font-medium">Job</th>
                <th scope="col" className="w-[16%] px-4 py-2 font-medium">Status</th>
                <th scope="col" className="w-[14%] px-4 py-2 font-medium">Trigger</th>
                <th scope="col" className="w-[18%] px-4 py-2 font-medium">Started</th>
                <th scope="col" className="w-[18%] px-4 py-2 font-medium">Duration</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {runs.map((run) => (
                <tr key={run.id} data-run-id={run.id} data-job={run.jobName} className="hover:bg-slate-50 dark:hover:bg-slate-800/50">
                  <td className="px-4 py-2">
                    <div className="truncate font-medium" title={run.jobName}>
                      {run.jobName}
                    </div>
                    {run.error ? (
                      <div className="truncate text-xs text-rose-700 dark:text-rose-300" title={run.error}>
                        {run.error}
                      </div>
                    ) : (
                      <div className="truncate font-mono text-xs text-slate-400" title={run.id}>
                        {run.id}
                      </div>
                    )}
                  </td>
                  <td className="px-4 py-2">
                    <StatusBadge status={run.status} />
                    {run.status === 'running' ? (
                      <div className="mt-1 h-1 w-24 overflow-hidden rounded bg-slate-100 dark:bg-slate-800" role="progressbar" aria-valuenow={run.progress} aria-valuemin={0} aria-valuemax={100} aria-label="Progress">
                        <div className="h-full bg-sky-500 transition-all" style={{ width: `${run.progress}%` }} />
                      </div>
                    ) : null}
                  </td>
                  <td className="px-4 py-2 text-slate-600 dark:text-slate-300">
                    {run.trigger}
                    {run.attempt > 1 ? <span className="ml-1 text-xs text-slate-400">· attempt {run.attempt}/{run.maxAttempts}</span> : null}
                  </td>
                  <td className="px-4 py-2 tabular-nums text-slate-600 dark:text-slate-300">{formatTime(run.startedAt ?? run.queuedAt)}</td>
                  <td className="px-4 py-2 tabular-nums text-slate-600 dark:text-slate-300">{formatDuration(durationOf(run, now))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
