'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { isActive, isRetryable } from '@/lib/jobs/run-state.ts';
import type { RunDto } from '@/lib/runs/run-dto.ts';
import { apiFetch } from '../api-client.ts';
import { Button } from '../ui/button.tsx';
import { EmptyNote, ErrorNote, LoadingRows } from '../ui/panel.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';
import { TableHead } from '../ui/table-head.tsx';

export const statsRunsKey = ['stats-runs'] as const;

/** Who asked, in the specification's words: post-match (with its gameweek), admin, cron; or the fallback run in the web process. */
function triggerOf(run: RunDto): { label: string; gameweek: number | null } {
  const payload = (run.payload ?? {}) as { source?: string; eventId?: number };
  const label = run.source === 'fallback' ? 'fallback' : run.trigger === 'retry' ? `retry · ${payload.source ?? 'cron'}` : (payload.source ?? run.source ?? run.trigger);
  return { label, gameweek: typeof payload.eventId === 'number' ? payload.eventId : null };
}

const time = (iso: string | null) => (iso ? iso.slice(11, 19) : '—');
const duration = (run: RunDto) => (run.durationMs !== null ? `${(run.durationMs / 1000).toFixed(1)} s` : run.startedAt ? 'in progress…' : '—');

const cell = 'px-4 py-1.5';

/**
 * BerkoTNF 002's job-status table: the last 10 stats-update runs with their status, who asked
 * (and the gameweek that caused a post-match run), times, duration and error, a Retry for one
 * that failed (POST /api/runs/:id/retry); refreshed every 2 s while one is queued or running.
 */
export function StatsRunsTable({ canRetry }: { canRetry: boolean }) {
  const queryClient = useQueryClient();
  const { data: runs, error, isPending } = useQuery({
    queryKey: statsRunsKey,
    queryFn: async () => (await apiFetch<{ runs: RunDto[] }>('/api/runs?job=stats-update&limit=10')).runs,
    refetchInterval: (query) => (query.state.data?.some((run) => isActive(run.status)) ? 2_000 : false),
  });
  const retry = useMutation({
    mutationFn: (id: string) => apiFetch<{ runId: string }>(`/api/runs/${encodeURIComponent(id)}/retry`, { method: 'POST', json: {} }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: statsRunsKey }),
  });

  if (isPending) return <LoadingRows label="Loading the stats runs" />;
  if (error) return <ErrorNote what="the stats runs" error={error} />;
  if (runs.length === 0) return <EmptyNote title="No stats runs yet" />;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="stats-runs">
        <TableHead
          columns={[
            { label: 'Trigger', className: 'text-left' },
            { label: 'Status', className: 'text-left' },
            { label: 'Started', className: 'text-left' },
            { label: 'Completed', className: 'text-left' },
            { label: 'Duration', className: 'text-right' },
            { label: 'Error', className: 'text-left' },
            { label: 'Actions', className: 'text-left' },
          ]}
        />
        <tbody className="divide-y divide-line">
          {runs.map((run) => {
            const trigger = triggerOf(run);
            return (
              <tr key={run.id} data-run-id={run.id}>
                <td className={cell}>
                  <span>{trigger.label}</span>
                  {trigger.gameweek !== null ? <span className="ml-1 text-xs text-muted">(GW {trigger.gameweek})</span> : null}
                </td>
                <td className={cell}>
                  <StatusBadge status={run.status} />
                </td>
                <td className={`${cell} tabular-nums text-muted`}>{time(run.startedAt)}</td>
                <td className={`${cell} tabular-nums text-muted`}>{time(run.finishedAt)}</td>
                <td className={`${cell} text-right tabular-nums`}>{duration(run)}</td>
                <td className={`${cell} max-w-xs truncate text-danger`} title={run.error ?? undefined}>
                  {run.error ?? ''}
                </td>
                <td className={cell}>
                  {canRetry && isRetryable(run.status) ? (
                    <Button size="sm" onClick={() => retry.mutate(run.id)} disabled={retry.isPending} aria-label={`Retry the stats run of ${time(run.finishedAt)}`}>
                      Retry
                    </Button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {retry.error ? (
        <p role="alert" className="px-4 py-2 text-danger">
          {retry.error.message}
        </p>
      ) : null}
    </div>
  );
}
