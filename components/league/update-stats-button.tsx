'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { isFinal } from '@/lib/jobs/run-state.ts';
import type { RunDto } from '@/lib/runs/run-dto.ts';
import { apiFetch } from '../api-client.ts';
import { Button } from '../ui/button.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';

/**
 * "Update stats": queues a stats-update run (POST /api/league/stats-update), follows it every
 * second until it ends, and on success refreshes the page so its numbers are the new ones.
 * A refusal (409: switched off in Settings, or already running) shows its reason.
 */
export function UpdateStatsButton({ disabled = false }: { disabled?: boolean }) {
  const router = useRouter();
  const [runId, setRunId] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  const { data: run } = useQuery({
    queryKey: ['run', runId, 'stats-update'],
    queryFn: async () => (await apiFetch<{ run: RunDto }>(`/api/runs/${encodeURIComponent(runId!)}`)).run,
    enabled: runId !== null,
    refetchInterval: (query) => (query.state.data && isFinal(query.state.data.status) ? false : 1_000),
  });

  useEffect(() => {
    if (run?.status === 'completed') router.refresh();
  }, [run?.status, router]);

  async function start() {
    setStarting(true);
    setRefusal(null);
    try {
      const queued = await apiFetch<{ runId: string; status: string }>('/api/league/stats-update', { method: 'POST', json: {} });
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
          {busy ? 'Updating…' : 'Update stats'}
        </Button>
      </div>
      {refusal ? (
        <p role="alert" className="max-w-md text-right text-danger">
          {refusal}
        </p>
      ) : null}
      {run?.status === 'completed' ? <p className="text-muted">Stats updated{run.durationMs !== null ? ` in ${run.durationMs} ms` : ''}.</p> : null}
      {run && isFinal(run.status) && run.status !== 'completed' ? (
        <p role="alert" className="max-w-md text-right text-danger">
          {run.error ?? `The run ended ${run.status}`}
        </p>
      ) : null}
    </div>
  );
}
