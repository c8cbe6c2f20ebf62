'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { isActive } from '@/lib/jobs/run-state.ts';
import type { RunDto } from '@/lib/runs/run-dto.ts';
import { apiFetch } from '../api-client.ts';

export interface RunsPage {
  runs: RunDto[];
  nextCursor: string | null;
}

/** Polls every 2 s while a listed run is active, every 30 s otherwise; paused while the tab is hidden. */
export function refetchIntervalFor(runs: RunDto[] | undefined): number {
  return runs?.some((run) => isActive(run.status)) ? 2_000 : 30_000;
}

export function useRuns(filters: Record<string, string | undefined>) {
  const params = new URLSearchParams(Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1])));
  return useQuery({
    queryKey: ['runs', params.toString()],
    queryFn: () => apiFetch<RunsPage>(`/api/runs?${params}`),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => refetchIntervalFor(query.state.data?.runs),
  });
}
