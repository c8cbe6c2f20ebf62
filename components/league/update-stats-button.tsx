'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { isFinal } from '@/lib/jobs/run-state.ts';
import type { RunDto } from '@/lib/runs/run-dto.ts';
import { apiFetch } from '../api-client.ts';
import { Button } from '../ui/button.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';
import { statsRunsKey } from './stats-runs-table.tsx';

/** The button's words for the run it follows (BerkoTNF 002's button states). */
function label(status: RunDto['status'] | 'starting' | null): string {
  switch (status) {
    case 'starting':
    case 'queued':
      return 'Job queued…';
    case 'running':
    case 'retrying':
      return 'Processing…';
    case 'completed':
      return 'Completed';
    case 'failed':
      return 'Failed';
    default:
      return 'Update stats';
  }
}

/**
 * "Update stats": queues a stats-update run (POST /api/league/stats-update), follows it every
 * second until it ends (the button says queued, processing, completed or failed), and on
 * success refreshes the page so its numbers are the new ones, with a completion notice. A
 * refusal (409: switched off in Settings, or already running) shows its reason; a run done in
 * the web process because the queue was unreachable (`fallback`) says so.
 */
export function UpdateStatsButton({ disabled = false }: { disabled?: boolean }) {
  const router = useRouter();
  const [runId, setRunId] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [fallback, setFallback] = useState(false);
  const queryClient = useQueryClient();

  const { data: run } = useQuery({
    queryKey: ['run', runId, 'stats-update'],
    queryFn: async () => (await apiFetch<{ run: RunDto }>(`/api/runs/${encodeURIComponent(runId!)}`)).run,
    enabled: runId !== null,
    refetchInterval: (query) => (query.state.data && isFinal(query.state.data.status) ? false : 1_000),
  });

  useEffect(() => {
    if (run?.status === 'completed') router.refresh();
    if (run) void queryClient.invalidateQueries({ queryKey: statsRunsKey });
  }, [run?.status, router, queryClient]);

  async function start() {
    setStarting(true);
    setRefusal(null);
    try {
      const queued = await apiFetch<{ runId: string; status: string; fallback?: boolean }>('/api/league/stats-update', { method: 'POST', json: {} });
      setFallback(queued.fallback === true);
      setRunId(queued.runId);
    } catch (error) {
      setRefusal(error instanceof Error ? error.message : String(error));
    } finally {
      setStarting(false);
    }
  }

  const busy = starting || (runId !== null && (!run || !isFinal(run.status)));
  return (
    <div className="flex flex-col items-end gap-1 text-sm" data-testid="update-stats">
      <div className="flex items-center gap-2">
        {run ? <StatusBadge status={run.status} /> : runId ? <StatusBadge status="queued" /> : null}
        <Button variant="primary" onClick={() => void start()} disabled={disabled || busy}>
          {label(starting ? 'starting' : run ? run.status : runId ? 'queued' : null)}
        </Button>
      </div>
      {refusal ? (
        <p role="alert" className="max-w-md text-right text-danger">
          {refusal}
        </p>
      ) : null}
      {fallback ? (
        <p className="max-w-md text-right text-warning" data-testid="stats-fallback">
          The queue (Redis) was unreachable: the stats ran in the web process instead (source fallback).
        </p>
      ) : null}
      {run?.status === 'completed' ? (
        <p role="status" className="text-muted">
          Stats updated{run.durationMs !== null ? ` in ${run.durationMs} ms` : ''}.
        </p>
      ) : null}
      {run && isFinal(run.status) && run.status !== 'completed' ? (
        <p role="alert" className="max-w-md text-right text-danger">
          {run.error ?? `The run ended ${run.status}`}
        </p>
      ) : null}
    </div>
  );
}
