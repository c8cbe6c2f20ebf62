'use client';

import Link from 'next/link';
import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { JobSummaryDto } from '@/lib/data/jobs.ts';
import { isCancellable, isRetryable, runStatuses, runTriggers } from '@/lib/jobs/run-state.ts';
import type { RunDto } from '@/lib/runs/run-dto.ts';
import { apiFetch } from '../api-client.ts';
import { Button } from '../ui/button.tsx';
import { controlClass, inputClass } from '../ui/field.tsx';
import { formatDuration, formatTime } from '../ui/format.ts';
import { EmptyNote, ErrorNote, LoadingRows, LoadMore, Panel } from '../ui/panel.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';
import { TableHead } from '../ui/table-head.tsx';
import { useRunActions } from './run-actions.ts';
import { useRuns, type RunFilters } from './use-runs.ts';

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
}

/** The status table: filters, live rows, Retry and Cancel, bulk retry, Load more. */
export function RunsTable({ job, title = 'Runs', canRetry, canCancel, showFilters = true, initialFilters = {} }: RunsTableProps) {
  const [filters, setFilters] = useState<RunFilters>(initialFilters);
  const [search, setSearch] = useState('');
  const effective = { limit: '25', ...filters, job: job ?? filters.job };
  const runsQuery = useRuns(effective);
  const catalog = useJobCatalog();
  const typical = useMemo(() => new Map(catalog.data?.jobs.map((entry) => [entry.name, entry.stats24h.p50DurationMs])), [catalog.data]);
  const runs = runsQuery.data?.pages.flatMap((page) => page.runs) ?? [];
  const now = useNow(runs.some((run) => run.status === 'running' || run.status === 'retrying'));
  const { retry, cancel, bulkRetry } = useRunActions();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);

  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const input = selectClass.replace('pr-8', 'pr-2');
  return (
    <Panel
      title={title}
      actions={
        <>
          <span aria-live="polite">{runsQuery.isFetching && !runsQuery.isFetchingNextPage ? 'Refreshing…' : runsQuery.error && runsQuery.data ? 'Could not refresh' : ''}</span>
          {canRetry && selected.size > 0 ? (
            <Button
              size="sm"
              onClick={() =>
                bulkRetry.mutate([...selected], {
                  onSuccess: ({ results }) => {
                    setNotice(`Retried ${results.filter((result) => result.ok).length} of ${results.length} runs`);
                    setSelected(new Set());
                  },
                })
              }
            >
              Retry selected ({selected.size})
            </Button>
          ) : null}
        </>
      }
    >
      {showFilters ? (
        <form
          className="flex flex-wrap items-end gap-2 border-b border-line px-4 py-3"
          onSubmit={(event) => {
            event.preventDefault();
            setFilters((current) => ({ ...current, q: search.trim() || undefined }));
          }}
        >
          {job ? null : (
            <FilterSelect label="Job" any="All jobs" value={filters.job} options={catalog.data?.jobs.map((entry) => entry.name) ?? []} onChange={(name) => setFilters({ ...filters, job: name })} />
          )}
          <FilterSelect label="Status" any="Any status" value={filters.status} options={runStatuses} onChange={(status) => setFilters({ ...filters, status })} />
          <FilterSelect label="Trigger" any="Any trigger" value={filters.trigger} options={runTriggers} onChange={(trigger) => setFilters({ ...filters, trigger })} />
          <label className="text-xs text-muted">
            Source
            <input
              className={`mt-1 block w-28 ${input}`}
              placeholder="any"
              defaultValue={filters.source ?? ''}
              onBlur={(event) => setFilters({ ...filters, source: event.target.value.trim() || undefined })}
            />
          </label>
          <label className="text-xs text-muted">
            From
            <input
              type="datetime-local"
              className={`mt-1 block ${input}`}
              value={localInput(filters.since)}
              onChange={(event) => setFilters({ ...filters, since: fromLocalInput(event.target.value) })}
            />
          </label>
          <label className="text-xs text-muted">
            To
            <input
              type="datetime-local"
              className={`mt-1 block ${input}`}
              value={localInput(filters.until)}
              onChange={(event) => setFilters({ ...filters, until: fromLocalInput(event.target.value) })}
            />
          </label>
          <label className="min-w-56 flex-1 text-xs text-muted">
            Search
            <input
              type="search"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              placeholder="Run id, requestId or payload field (matchId=42)"
              className={inputClass}
            />
          </label>
          <Button type="submit" size="md">
            Search
          </Button>
        </form>
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
        <EmptyNote title="No runs match" hint={Object.values(filters).some(Boolean) ? 'Try other filters.' : 'Press “Run now” on a job, or wait for a schedule to fire.'} />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[56rem] table-fixed text-left text-sm">
            <TableHead
              columns={[
                ...(canRetry ? [{ label: 'Select', className: 'w-10', srOnly: true }] : []),
                { label: 'Job', className: 'w-[30%]' },
                { label: 'Status', className: 'w-[17%]' },
                { label: 'Trigger', className: 'w-[13%]' },
                { label: 'Started', className: 'w-[13%]' },
                { label: 'Duration', className: 'w-[12%]' },
                { label: 'Actions', className: 'w-[15%]', srOnly: true },
              ]}
            />
            <tbody className="divide-y divide-line">
              {runs.map((run) => {
                const left = remainingMs(run, now, typical.get(run.jobName));
                return (
                  <tr key={run.id} data-run-id={run.id} data-job={run.jobName} className="hover:bg-surface-muted/60">
                    {canRetry ? (
                      <td className="px-4 py-2">
                        {isRetryable(run.status) ? (
                          <input type="checkbox" aria-label={`Select run ${run.id}`} checked={selected.has(run.id)} onChange={() => toggle(run.id)} />
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
                    <td className="px-4 py-2 text-muted tabular-nums">{formatTime(run.startedAt ?? run.queuedAt)}</td>
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
      <LoadMore hasMore={Boolean(runsQuery.hasNextPage)} loading={runsQuery.isFetchingNextPage} onLoad={() => void runsQuery.fetchNextPage()} />
    </Panel>
  );
}
