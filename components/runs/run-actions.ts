'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { RunDto } from '@/lib/runs/run-dto.ts';
import { apiFetch } from '../api-client.ts';
import type { RunFilterKey } from './use-runs.ts';

export type BulkTarget = { ids: string[] } | { filter: Partial<Record<RunFilterKey, string>>; expectedCount: number };
export interface BulkAnswer {
  matched: number;
  succeeded: number;
  failed: number;
  results: { id: string; ok: boolean; runId?: string; error?: { code: string; message: string } }[];
}

/** Retry and cancel of one run or many (chosen ids or every run matching a filter); each refreshes every run list and run page. */
export function useRunActions() {
  const queryClient = useQueryClient();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['runs'] });
    void queryClient.invalidateQueries({ queryKey: ['run'] });
    void queryClient.invalidateQueries({ queryKey: ['jobs'] });
  };
  const retry = useMutation({
    mutationFn: (id: string) => apiFetch<{ run: RunDto }>(`/api/runs/${encodeURIComponent(id)}/retry`, { method: 'POST' }),
    onSettled: refresh,
  });
  const cancel = useMutation({
    mutationFn: (id: string) => apiFetch<{ run: RunDto }>(`/api/runs/${encodeURIComponent(id)}/cancel`, { method: 'POST' }),
    onSettled: refresh,
  });
  const bulk = useMutation({
    mutationFn: ({ action, target }: { action: 'retry' | 'cancel'; target: BulkTarget }) => apiFetch<BulkAnswer>(`/api/runs/bulk-${action}`, { method: 'POST', json: target }),
    onSettled: refresh,
  });
  return { retry, cancel, bulk };
}

/** How many runs matching a filter a bulk action would act on (`dryRun`). */
export function countMatching(action: 'retry' | 'cancel', filter: Partial<Record<RunFilterKey, string>>) {
  return apiFetch<{ matched: number; limit: number; overLimit: boolean }>(`/api/runs/bulk-${action}`, { method: 'POST', json: { filter, dryRun: true } });
}
