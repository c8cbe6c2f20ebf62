'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { RunDto } from '@/lib/runs/run-dto.ts';
import { apiFetch } from '../api-client.ts';

/** Retry and cancel of one run; both refresh every run list and run page. */
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
  const bulkRetry = useMutation({
    mutationFn: (ids: string[]) => apiFetch<{ results: { id: string; ok: boolean }[] }>('/api/runs/bulk-retry', { method: 'POST', json: { ids } }),
    onSettled: refresh,
  });
  return { retry, cancel, bulkRetry };
}
