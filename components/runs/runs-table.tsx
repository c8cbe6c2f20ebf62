'use client';

import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { JobSummaryDto } from '@/lib/data/jobs.ts';
import { isCancellable, isRetryable, runStatuses, runTriggers } from '@/lib/jobs/run-state.ts';
import type { RunDto } from '@/lib/runs/run-dto.ts';
import { apiFetch } from '../api-client.ts';
import { Button } from '../ui/button.tsx';
import { controlClass, inputClass } from '../ui/field.tsx';
import { ConfirmDialog } from '../ui/dialog.tsx';
import { formatDuration } from '../ui/format.ts';
import { EmptyNote, ErrorNote, LoadingRows, LoadMore, Panel } from '../ui/panel.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';
import { TableHead, type Column } from '../ui/table-head.tsx';
import { Time } from '../ui/time.tsx';
import { countMatching, useRunActions } from './run-actions.ts';
import { filterOnly, queryString, runFilterKeys, useRuns, type RunFilters } from './use-runs.ts';

/** Re-renders every second so running rows show a live duration. */
export function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

export function durationOf(run: RunDto, now: number): number | null {
  if (run.durationMs != null) return run.durationMs;
  if (run.startedAt && (run.status === 'running' || run.status === 'retrying')) return Math.max(0, now - new Date(run.startedAt).getTime());
  return null;
}

/** Time left for a running run: from its progress, else from its job's typical duration. */
function remainingMs(run: RunDto, now: number, typicalMs: number | null | undefined): number | null {
  if (run.status !== 'running' || !run.startedAt) return null;
  const elapsed = now - new Date(run.startedAt).getTime();
  if (run.progress > 0 && run.progress < 100) return Math.max(0, (elapsed * (100 - run.progress)) / run.progress);
  return typicalMs != null ? Math.max(0, typicalMs - elapsed) : null;
}

/** An ISO instant as a `datetime-local` value in the browser's timezone, and back. */
function localInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function fromLocalInput(value: string): string | undefined {
  return value ? new Date(value).toISOString() : undefined;
}

const selectClass = `py-1.5 pr-8 pl-2 text-sm ${controlClass}`;

/** One labelled filter: "any" or one of the options. */
function FilterSelect({ label, any, value, options, onChange }: { label: string; any: string; value: string | undefined; options: readonly string[]; onChange: (value: string | undefined) => void }) {
  return (
    <label className="text-xs text-muted">
      {label}
      <select className={`mt-1 block ${selectClass}`} value={value ?? ''} onChange={(event) => onChange(event.target.value || undefined)}>
        <option value="">{any}</option>
        {options.map((option) => (
          <option key={option}>{option}</option>
        ))}
      </select>
    </label>
  );
}

export function useJobCatalog() {
  return useQuery({ queryKey: ['jobs'], queryFn: () => apiFetch<{ jobs: JobSummaryDto[] }>('/api/jobs'), staleTime: 10_000 });
}

export interface RunsTableProps {
  /** Show only this job's runs (no job filter then). */
  job?: string;
  title?: string;
  canRetry: boolean;
  canCancel: boolean;
  showFilters?: boolean;
  /** Filters the table starts with (e.g. failed runs only). */
  initialFilters?: RunFilters;
  /** Keep filters, sort and pages in the page's URL, so a link shows the same view (the Runs page). */
  inUrl?: boolean;
}

type SortKey = 'started' | 'duration' | 'job' | 'status' | 'trigger';
const defaultSort = '-started';

/** The table's view (filters, sort, pages loaded): in the URL on the Runs page, in state elsewhere. */
function useRunView(inUrl: boolean, initial: RunFilters): [RunFilters & { pages?: string }, (next: RunFilters & { pages?: string }) => void] {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [local, setLocal] = useState<RunFilters & { pages?: string }>(initial);
  if (!inUrl) return [local, setLocal];
  const fromUrl = Object.fromEntries([...runFilterKeys, 'sort', 'pages'].flatMap((key) => (searchParams.get(key) ? [[key, searchParams.get(key)!]] : [])));
  return [
    { ...initial, ...fromUrl },
    (next) => {
      const query = queryString({ ...next, limit: undefined, sort: next.sort === defaultSort ? undefined : next.sort, pages: next.pages === '1' ? undefined : next.pages });
      router.replace(`${pathname}${query ? `?${query}` : ''}`, { scroll: false });
    },
  ];
}

type Selection = { kind: 'ids'; ids: Set<string> } | { kind: 'filter'; retry: number | null; cancel: number | null; overLimit: boolean };

/** The status table: filters, sort by any column, live rows, Retry and Cancel, bulk actions on chosen runs or all matching, export, Load more. */
export function RunsTable({ job, title = 'Runs', canRetry, canCancel, showFilters = true, initialFilters = {}, inUrl = false }: RunsTableProps) {
  const [view, setView] = useRunView(inUrl, initialFilters);
  const { pages: pagesWanted, ...filters } = view;
  const [search, setSearch] = useState(filters.q ?? '');
  const effective: RunFilters = { limit: '25', ...filters, sort: filters.sort ?? defaultSort, job: job ?? filters.job };
  const runsQuery = useRuns(effective);
  const catalog = useJobCatalog();
  const typical = useMemo(() => new Map(catalog.data?.jobs.map((entry) => [entry.name, entry.stats24h.p50DurationMs])), [catalog.data]);
  const runs = runsQuery.data?.pages.flatMap((page) => page.runs) ?? [];
  const now = useNow(runs.some((run) => run.status === 'running' || run.status === 'retrying'));
  const { retry, cancel, bulk } = useRunActions();
  const [selection, setSelection] = useState<Selection>({ kind: 'ids', ids: new Set() });
  const [confirming, setConfirming] = useState<'retry' | 'cancel' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const matchFilter = filterOnly(effective);
  const filterKey = queryString(matchFilter);
  const canSelect = canRetry || canCancel;

  // A new filter is a new set of runs: what was chosen under the old one is let go.
  useEffect(() => setSelection({ kind: 'ids', ids: new Set() }), [filterKey]);
  // A link with `pages=3` loads as many pages as it showed.
  const loadedPages = runsQuery.data?.pages.length ?? 0;
  const wanted = Math.min(20, Math.max(1, Number(pagesWanted) || 1));
  useEffect(() => {
    if (loadedPages > 0 && loadedPages < wanted && runsQuery.hasNextPage && !runsQuery.isFetchingNextPage) void runsQuery.fetchNextPage();
  }, [loadedPages, wanted, runsQuery]);

  const update = (next: RunFilters) => setView({ ...filters, ...next, pages: undefined });
  const sortBy = (key: SortKey) => {
    const current = effective.sort!;
    // A new column starts with what people look for first: the latest, the longest, A to Z.
    const next = current === `-${key}` ? key : current === key ? `-${key}` : key === 'job' || key === 'status' || key === 'trigger' ? key : `-${key}`;
    setView({ ...filters, sort: next, pages: undefined });
  };
  const sortOf = (key: SortKey): Column['sort'] => ({
    direction: effective.sort === key ? 'ascending' : effective.sort === `-${key}` ? 'descending' : null,
    onSort: () => sortBy(key),
  });

  const chosen = selection.kind === 'ids' ? selection.ids : new Set<string>();
  const actionable = (run: RunDto) => (canRetry && isRetryable(run.status)) || (canCancel && isCancellable(run.status));
  const shownActionable = runs.filter(actionable);
  const allShownChosen = selection.kind === 'filter' || (shownActionable.length > 0 && shownActionable.every((run) => chosen.has(run.id)));
  const chosenRuns = runs.filter((run) => chosen.has(run.id));
  const retryIds = chosenRuns.filter((run) => isRetryable(run.status)).map((run) => run.id);
  const cancelIds = chosenRuns.filter((run) => isCancellable(run.status)).map((run) => run.id);
  const retryCount = selection.kind === 'filter' ? selection.retry : retryIds.length;
  const cancelCount = selection.kind === 'filter' ? selection.cancel : cancelIds.length;

  const toggle = (id: string) =>
    setSelection((current) => {
      const ids = new Set(current.kind === 'ids' ? current.ids : []);
      if (ids.has(id)) ids.delete(id);
      else ids.add(id);
      return { kind: 'ids', ids };
    });
  const toggleShown = () => setSelection(allShownChosen ? { kind: 'ids', ids: new Set() } : { kind: 'ids', ids: new Set(shownActionable.map((run) => run.id)) });
  const chooseAllMatching = async () => {
    setSelection({ kind: 'filter', retry: null, cancel: null, overLimit: false });
    const [retries, cancels] = await Promise.all([
      canRetry ? countMatching('retry', matchFilter) : Promise.resolve({ matched: 0, overLimit: false }),
      canCancel ? countMatching('cancel', matchFilter) : Promise.resolve({ matched: 0, overLimit: false }),
    ]);
    setSelection({ kind: 'filter', retry: retries.matched, cancel: cancels.matched, overLimit: retries.overLimit || cancels.overLimit });
  };
  const act = (action: 'retry' | 'cancel') => {
    const expectedCount = action === 'retry' ? retryCount : cancelCount;
    const target = selection.kind === 'filter' ? { filter: matchFilter, expectedCount: expectedCount ?? 0 } : { ids: action === 'retry' ? retryIds : cancelIds };
    bulk.mutate(
      { action, target },
      {
        onSuccess: (answer) => {
          const firstError = answer.results.find((result) => !result.ok)?.error?.message;
          setNotice(`${action === 'retry' ? 'Retried' : 'Cancelled'} ${answer.succeeded} of ${answer.matched} runs${firstError ? ` (not done: ${firstError})` : ''}`);
          setSelection({ kind: 'ids', ids: new Set() });
          setConfirming(null);
        },
        onError: (error) => {
          setNotice(error instanceof Error ? error.message : 'The bulk action failed');
          setConfirming(null);
        },
      },
    );
  };
  const filterWords = Object.entries(matchFilter)
    .map(([key, value]) => `${key} ${key === 'since' || key === 'until' ? new Date(value!).toISOString().slice(0, 16).replace('T', ' ') : value}`)
    .join(', ');
  const exportHref = (format: 'csv' | 'ndjson') => `/api/runs/export?${queryString({ ...matchFilter, sort: effective.sort, format })}`;

  const input = selectClass.replace('pr-8', 'pr-2');
  const bulkBar = canSelect && (chosen.size > 0 || selection.kind === 'filter');
  return (
    <Panel
      title={title}
      actions={
        <>
          <span aria-live="polite">{runsQuery.isFetching && !runsQuery.isFetchingNextPage ? 'Refreshing…' : runsQuery.error && runsQuery.data ? 'Could not refresh' : ''}</span>
          {showFilters ? (
            <span className="flex gap-1">
              <a className="rounded-md border border-line px-2.5 py-1 text-xs font-medium hover:bg-surface-muted" href={exportHref('csv')} download>
                Export CSV
              </a>
              <a className="rounded-md border border-line px-2.5 py-1 text-xs font-medium hover:bg-surface-muted" href={exportHref('ndjson')} download>
                Export NDJSON
              </a>
            </span>
          ) : null}
        </>
      }
    >
      {showFilters ? (
        <form
          className="flex flex-wrap items-end gap-2 border-b border-line px-4 py-3"
          onSubmit={(event) => {
            event.preventDefault();
            update({ q: search.trim() || undefined });
          }}
        >
          {job ? null : (
            <FilterSelect label="Job" any="All jobs" value={filters.job} options={catalog.data?.jobs.map((entry) => entry.name) ?? []} onChange={(name) => update({ job: name })} />
          )}
          <FilterSelect label="Status" any="Any status" value={filters.status} options={runStatuses} onChange={(status) => update({ status })} />
          <FilterSelect label="Trigger" any="Any trigger" value={filters.trigger} options={runTriggers} onChange={(trigger) => update({ trigger })} />
          <label className="text-xs text-muted">
            Source
            <input
              key={filters.source ?? ''}
              className={`mt-1 block w-28 ${input}`}
              placeholder="any"
              defaultValue={filters.source ?? ''}
              onBlur={(event) => {
                const source = event.target.value.trim() || undefined;
                if (source !== filters.source) update({ source });
              }}
            />
          </label>
          <label className="text-xs text-muted">
            From
            <input type="datetime-local" className={`mt-1 block ${input}`} value={localInput(filters.since)} onChange={(event) => update({ since: fromLocalInput(event.target.value) })} />
          </label>
          <label className="text-xs text-muted">
            To
            <input type="datetime-local" className={`mt-1 block ${input}`} value={localInput(filters.until)} onChange={(event) => update({ until: fromLocalInput(event.target.value) })} />
          </label>
          <label className="min-w-56 flex-1 text-xs text-muted">
            Search
            <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} placeholder="Run id, requestId or payload field (matchId=42)" className={inputClass} />
          </label>
          <Button type="submit" size="md">
            Search
          </Button>
        </form>
      ) : null}
      {bulkBar ? (
        <div role="region" aria-label="Selected runs" className="flex flex-wrap items-center gap-2 border-b border-line bg-surface-muted/40 px-4 py-2 text-xs">
          {selection.kind === 'filter' ? (
            <span>
              Every run matching {filterWords ? <strong>{filterWords}</strong> : 'no filter (all runs)'} is selected
              {selection.overLimit ? ' — more than the 10 000 a bulk action may touch; narrow the filter' : ''}.
            </span>
          ) : (
            <span>
              {chosen.size} selected{runsQuery.data && runsQuery.data.pages.length > 1 ? ` across ${runsQuery.data.pages.length} pages` : ''}.
            </span>
          )}
          {selection.kind === 'ids' && allShownChosen && (runsQuery.hasNextPage || runs.length > 0) ? (
            <Button size="sm" onClick={() => void chooseAllMatching()}>
              Select all runs matching this filter
            </Button>
          ) : null}
          <span className="ml-auto flex gap-2">
            {canRetry && !(selection.kind === 'filter' && retryCount === 0) ? (
              <Button size="sm" disabled={!retryCount || selection.kind === 'filter' && selection.overLimit || bulk.isPending} onClick={() => (selection.kind === 'filter' ? setConfirming('retry') : act('retry'))}>
                {retryCount === null ? 'Counting…' : selection.kind === 'filter' ? `Retry all ${retryCount} failed or cancelled` : `Retry selected (${retryCount})`}
              </Button>
            ) : null}
            {canCancel && !(selection.kind === 'filter' && cancelCount === 0) ? (
              <Button size="sm" variant="danger" disabled={!cancelCount || selection.kind === 'filter' && selection.overLimit || bulk.isPending} onClick={() => setConfirming('cancel')}>
                {cancelCount === null ? 'Counting…' : selection.kind === 'filter' ? `Cancel all ${cancelCount} queued or running` : `Cancel selected (${cancelCount})`}
              </Button>
            ) : null}
            <Button size="sm" onClick={() => setSelection({ kind: 'ids', ids: new Set() })}>
              Clear
            </Button>
          </span>
        </div>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={confirming === 'retry' ? `Retry ${retryCount} runs?` : `Cancel ${cancelCount} runs?`}
          message={
            <p>
              {confirming === 'retry' ? `${retryCount} failed or cancelled runs` : `${cancelCount} queued, running or retrying runs`}{' '}
              {selection.kind === 'filter' ? <>matching {filterWords ? <strong>{filterWords}</strong> : 'no filter (every run)'}</> : 'you selected'}{' '}
              {confirming === 'retry' ? 'will each be queued again as a new run (each one checked against pause, switches and limits).' : 'will be cancelled; running ones are stopped.'}
            </p>
          }
          confirmLabel={confirming === 'retry' ? `Retry ${retryCount}` : `Cancel ${cancelCount}`}
          pending={bulk.isPending}
          onConfirm={() => act(confirming)}
          onCancel={() => setConfirming(null)}
        />
      ) : null}
      {notice ? (
        <p role="status" className="px-4 pt-3 text-xs text-success">
          {notice}
        </p>
      ) : null}
      {runsQuery.error && !runsQuery.data ? (
        <ErrorNote what="runs" error={runsQuery.error} />
      ) : runsQuery.isPending ? (
        <LoadingRows label="Loading runs" rows={6} />
      ) : runs.length === 0 ? (
        <EmptyNote title="No runs match" hint={Object.values(filterOnly(filters)).some(Boolean) ? 'Try other filters.' : 'Press “Run now” on a job, or wait for a schedule to fire.'} />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[56rem] table-fixed text-left text-sm">
            <TableHead
              columns={[
                ...(canSelect
                  ? [
                      {
                        label: 'Select',
                        className: 'w-10',
                        content: <input type="checkbox" aria-label="Select all runs shown" checked={allShownChosen} disabled={shownActionable.length === 0} onChange={toggleShown} />,
                      },
                    ]
                  : []),
                { label: 'Job', className: 'w-[30%]', sort: sortOf('job') },
                { label: 'Status', className: 'w-[17%]', sort: sortOf('status') },
                { label: 'Trigger', className: 'w-[13%]', sort: sortOf('trigger') },
                { label: 'Started', className: 'w-[13%]', sort: sortOf('started') },
                { label: 'Duration', className: 'w-[12%]', sort: sortOf('duration') },
                { label: 'Actions', className: 'w-[15%]', srOnly: true },
              ]}
            />
            <tbody className="divide-y divide-line">
              {runs.map((run) => {
                const left = remainingMs(run, now, typical.get(run.jobName));
                return (
                  <tr key={run.id} data-run-id={run.id} data-job={run.jobName} data-duration-ms={run.durationMs ?? ''} className="hover:bg-surface-muted/60">
                    {canSelect ? (
                      <td className="px-4 py-2">
                        {actionable(run) ? (
                          <input type="checkbox" aria-label={`Select run ${run.id}`} checked={selection.kind === 'filter' || chosen.has(run.id)} disabled={selection.kind === 'filter'} onChange={() => toggle(run.id)} />
                        ) : null}
                      </td>
                    ) : null}
                    <td className="px-4 py-2">
                      <Link href={`/runs/${encodeURIComponent(run.id)}`} className="block truncate font-medium hover:underline" title={run.jobName}>
                        {run.jobName}
                      </Link>
                      {run.error ? (
                        <div className="truncate text-xs text-danger" title={run.error}>
                          {run.error}
                        </div>
                      ) : (
                        <div className="truncate font-mono text-xs text-muted" title={run.id}>
                          {run.id}
                        </div>
                      )}
                    </td>
                    <td className="px-4 py-2">
                      <StatusBadge status={run.status} />
                      {run.waiting ? <div className="mt-1 text-xs text-warning">{run.waiting}</div> : null}
                      {run.status === 'running' ? (
                        <div className="mt-1 flex items-center gap-2">
                          <div className="h-1 w-20 overflow-hidden rounded bg-surface-muted" role="progressbar" aria-valuenow={run.progress} aria-valuemin={0} aria-valuemax={100} aria-label="Progress">
                            <div className="h-full bg-info-solid transition-all" style={{ width: `${run.progress}%` }} />
                          </div>
                          {left != null ? <span className="text-[11px] text-muted">~{formatDuration(Math.round(left))} left</span> : null}
                        </div>
                      ) : null}
                    </td>
                    <td className="px-4 py-2 text-muted">
                      <div className="truncate">{run.trigger}</div>
                      {run.attempt > 1 || run.maxAttempts > 1 ? (
                        <div className="text-xs text-muted">
                          attempt {Math.max(1, run.attempt)}
                          {run.attempt <= run.maxAttempts ? `/${run.maxAttempts}` : ''}
                        </div>
                      ) : null}
                    </td>
                    <td className="px-4 py-2 text-muted tabular-nums">
                      <Time at={run.startedAt ?? run.queuedAt} />
                      {run.startedAt ? null : <div className="text-xs text-muted">queued, not started</div>}
                    </td>
                    <td className="px-4 py-2 text-muted tabular-nums">{formatDuration(durationOf(run, now))}</td>
                    <td className="px-4 py-2 text-right">
                      {canRetry && isRetryable(run.status) ? (
                        <Button size="sm" disabled={retry.isPending && retry.variables === run.id} onClick={() => retry.mutate(run.id, { onSuccess: ({ run: next }) => setNotice(`Retry queued as run ${next.id.slice(0, 8)}`) })}>
                          Retry
                        </Button>
                      ) : null}
                      {canCancel && isCancellable(run.status) ? (
                        <Button size="sm" variant="danger" disabled={cancel.isPending && cancel.variables === run.id} onClick={() => cancel.mutate(run.id)}>
                          Cancel
                        </Button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore
        hasMore={Boolean(runsQuery.hasNextPage)}
        loading={runsQuery.isFetchingNextPage}
        onLoad={() => {
          if (inUrl) setView({ ...view, pages: String(loadedPages + 1) });
          else void runsQuery.fetchNextPage();
        }}
      />
    </Panel>
  );
}
