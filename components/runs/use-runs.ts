'use client';

import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { isActive } from '@/lib/jobs/run-state.ts';
import type { RunDto } from '@/lib/runs/run-dto.ts';
import { apiFetch } from '../api-client.ts';

export interface RunsPage {
  runs: RunDto[];
  nextCursor: string | null;
}

export type RunFilters = Partial<Record<'job' | 'status' | 'trigger' | 'source' | 'since' | 'until' | 'q' | 'limit', string>>;

/** Polls every 2 s while a listed run is active, every 30 s otherwise; paused while the tab is hidden. */
export function refetchIntervalFor(runs: RunDto[] | undefined): number {
  return runs?.some((run) => isActive(run.status)) ? 2_000 : 30_000;
}

/** The run list with its filters, page by page ("Load more"), kept fresh by polling. */
export function useRuns(filters: RunFilters) {
  const params = new URLSearchParams(Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1])));
  return useInfiniteQuery({
    queryKey: ['runs', params.toString()],
    queryFn: ({ pageParam }) => apiFetch<RunsPage>(`/api/runs?${params}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => refetchIntervalFor(query.state.data?.pages.flatMap((page) => page.runs)),
  });
}
