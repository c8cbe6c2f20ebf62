'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { JobDetailDto } from '@/lib/data/jobs.ts';
import { apiFetch } from '../api-client.ts';

/** PATCH /api/jobs/:name, refreshing the catalog and the job page after. */
export function useJobUpdate(name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: Record<string, unknown>) => apiFetch<{ job: JobDetailDto }>(`/api/jobs/${encodeURIComponent(name)}`, { method: 'PATCH', json: patch }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['jobs'] });
      void queryClient.invalidateQueries({ queryKey: ['job', name] });
    },
  });
}
