'use client';

import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { isActive } from '@/lib/jobs/run-state.ts';
import type { RunDto } from '@/lib/runs/run-dto.ts';
import { apiFetch } from '../api-client.ts';

export interface RunsPage {
  runs: RunDto[];
  nextCursor: string | null;
}

/** The filters the API reads (the same for the list, the export and bulk actions by filter). */
export const runFilterKeys = ['job', 'status', 'trigger', 'source', 'since', 'until', 'q'] as const;
export type RunFilterKey = (typeof runFilterKeys)[number];
export type RunFilters = Partial<Record<RunFilterKey | 'limit' | 'sort', string>>;

/** Only the filters (no limit, sort or page), as `POST /api/runs/bulk-*` takes them. */
export function filterOnly(filters: RunFilters): Partial<Record<RunFilterKey, string>> {
  return Object.fromEntries(runFilterKeys.flatMap((key) => (filters[key] ? [[key, filters[key]]] : [])));
}

export function queryString(values: Record<string, string | undefined>): string {
  return new URLSearchParams(Object.entries(values).filter((entry): entry is [string, string] => Boolean(entry[1]))).toString();
}

/** Polls every 2 s while a listed run is active, every 30 s otherwise; paused while the tab is hidden. */
export function refetchIntervalFor(runs: RunDto[] | undefined): number {
  return runs?.some((run) => isActive(run.status)) ? 2_000 : 30_000;
}

/** The run list with its filters and sort, page by page ("Load more"), kept fresh by polling. */
export function useRuns(filters: RunFilters) {
  const params = queryString(filters);
  return useInfiniteQuery({
    queryKey: ['runs', params],
    queryFn: ({ pageParam }) => apiFetch<RunsPage>(`/api/runs?${params}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => refetchIntervalFor(query.state.data?.pages.flatMap((page) => page.runs)),
  });
}
