'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { isActive, isCancellable, isRetryable } from '@/lib/jobs/run-state.ts';
import type { RunDetailDto } from '@/lib/runs/run-dto.ts';
import { apiFetch, ApiError } from '../api-client.ts';
import { Button } from '../ui/button.tsx';
import { formatDuration, formatTime } from '../ui/format.ts';
import { ErrorNote, JsonBlock, LoadingRows, Panel } from '../ui/panel.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';
import { useRunActions } from './run-actions.ts';
import { durationOf, useNow } from './runs-table.tsx';

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="truncate text-sm">{children ?? '—'}</dd>
    </div>
  );
}

const runLink = (id: string, label?: string) => (
  <Link href={`/runs/${encodeURIComponent(id)}`} className="font-mono text-xs text-accent hover:underline" title={id}>
    {label ?? id}
  </Link>
);

/** One run: its facts, attempts and phases on a timeline, log lines, counters, error, payload and result. */
export function RunDetail({ id, canRetry, canCancel }: { id: string; canRetry: boolean; canCancel: boolean }) {
  const query = useQuery({
    queryKey: ['run', id],
    queryFn: () => apiFetch<{ run: RunDetailDto }>(`/api/runs/${encodeURIComponent(id)}`),
    refetchInterval: (q) => (q.state.data && isActive(q.state.data.run.status) ? 2_000 : 30_000),
  });
  const { retry, cancel } = useRunActions();
  const run = query.data?.run;
  const now = useNow(Boolean(run && (run.status === 'running' || run.status === 'retrying')));

  if (query.error && !run) {
    return query.error instanceof ApiError && query.error.status === 404 ? (
      <Panel title="Run not found">
        <p className="px-4 py-8 text-center text-sm text-muted">No run has the id “{id}”. It may have been removed by the retention clean-up.</p>
      </Panel>
    ) : (
      <ErrorNote what="the run" error={query.error} />
    );
  }
  if (!run) return <LoadingRows label="Loading the run" rows={8} />;

  const phases = run.events.filter((event) => event.kind === 'phase');
  const logs = run.events.filter((event) => event.kind === 'log');
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <p className="text-xs text-muted">
            <Link href="/runs" className="hover:underline">
              Runs
            </Link>{' '}
            /{' '}
            <Link href={`/jobs/${encodeURIComponent(run.jobName)}`} className="hover:underline">
              {run.jobName}
            </Link>
          </p>
          <h1 className="mt-1 flex items-center gap-3 text-xl font-semibold">
            <span className="truncate" title={run.jobName}>
              {run.jobName}
            </span>
            <StatusBadge status={run.status} />
          </h1>
          <p className="mt-1 font-mono text-xs text-muted">{run.id}</p>
          {run.waiting ? <p className="mt-1 text-sm text-warning">Waiting: {run.waiting}</p> : null}
        </div>
        <div className="flex gap-2">
          {canRetry && isRetryable(run.status) ? (
            <Button variant="primary" onClick={() => retry.mutate(run.id)} disabled={retry.isPending}>
              Retry
            </Button>
          ) : null}
          {canCancel && isCancellable(run.status) ? (
            <Button variant="danger" onClick={() => cancel.mutate(run.id)} disabled={cancel.isPending}>
              Cancel
            </Button>
          ) : null}
        </div>
      </div>
      {retry.data ? (
        <p role="status" className="text-sm text-success">
          Retry queued: {runLink(retry.data.run.id, `run ${retry.data.run.id.slice(0, 8)}`)}
        </p>
      ) : null}

      <Panel title="Details">
        <dl className="grid grid-cols-2 gap-4 p-4 sm:grid-cols-4">
          <Fact label="Trigger">{run.trigger}</Fact>
          <Fact label="Source">{run.source}</Fact>
          <Fact label="Actor">{run.actor}</Fact>
          <Fact label="Request id">{run.requestId}</Fact>
          <Fact label="Attempt">
            {Math.max(run.attempt, 0)} of {run.maxAttempts}
          </Fact>
          <Fact label="Priority">{run.priority}</Fact>
          <Fact label="Worker">{run.workerId}</Fact>
          <Fact label="Phase">{run.phase}</Fact>
          <Fact label="Queued">{formatTime(run.queuedAt)}</Fact>
          <Fact label="Started">{formatTime(run.startedAt)}</Fact>
          <Fact label="Finished">{formatTime(run.finishedAt)}</Fact>
          <Fact label="Duration">{formatDuration(durationOf(run, now))}</Fact>
          {run.retryOf ? <Fact label="Retry of">{runLink(run.retryOf)}</Fact> : null}
          {run.causedBy ? <Fact label="Caused by">{runLink(run.causedBy)}</Fact> : null}
          {run.retriedBy.length > 0 ? (
            <Fact label="Retried by">
              <span className="flex flex-col">{run.retriedBy.map((retryId) => <span key={retryId}>{runLink(retryId)}</span>)}</span>
            </Fact>
          ) : null}
          {run.caused.length > 0 ? (
            <Fact label="Started after it">
              <span className="flex flex-col">
                {run.caused.map((next) => (
                  <span key={next.id}>{runLink(next.id, next.jobName)}</span>
                ))}
              </span>
            </Fact>
          ) : null}
        </dl>
        {run.status === 'running' ? (
          <div className="px-4 pb-4">
            <div className="h-2 overflow-hidden rounded bg-surface-muted" role="progressbar" aria-valuenow={run.progress} aria-valuemin={0} aria-valuemax={100} aria-label="Progress">
              <div className="h-full bg-info-solid transition-all" style={{ width: `${run.progress}%` }} />
            </div>
          </div>
        ) : null}
      </Panel>

      {run.error ? (
        <Panel title="Error">
          <div className="space-y-2 p-4">
            <p className="text-sm break-words text-danger">{run.error}</p>
            {run.errorStack ? <pre className="max-h-64 overflow-auto rounded bg-sunken p-3 font-mono text-xs whitespace-pre-wrap text-fg">{run.errorStack}</pre> : null}
          </div>
        </Panel>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-2">
        <Panel title="Timeline">
          {run.attempts.length === 0 && phases.length === 0 ? (
            <p className="px-4 py-6 text-sm text-muted">Not started yet.</p>
          ) : (
            <ol className="space-y-3 p-4">
              {run.attempts.map((attempt) => (
                <li key={attempt.attempt} className="text-sm">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="font-medium">Attempt {attempt.attempt}</span>
                    <span className="text-xs text-muted">
                      {formatTime(attempt.at)} → {attempt.finishedAt ? formatTime(attempt.finishedAt) : 'running'}
                      {attempt.finishedAt ? ` · ${formatDuration(new Date(attempt.finishedAt).getTime() - new Date(attempt.at).getTime())}` : ''}
                    </span>
                    {attempt.workerId ? <span className="truncate font-mono text-[11px] text-muted">{attempt.workerId}</span> : null}
                  </div>
                  {attempt.error ? <p className="mt-0.5 text-xs break-words text-danger">{attempt.error}</p> : null}
                  <ul className="mt-1 space-y-0.5 border-l border-line pl-3">
                    {phases
                      .filter((event) => event.attempt === attempt.attempt)
                      .map((event) => (
                        <li key={event.id} className="text-xs text-muted">
                          <span className="tabular-nums text-muted">{formatTime(event.at)}</span> {event.message}
                        </li>
                      ))}
                  </ul>
                </li>
              ))}
            </ol>
          )}
        </Panel>
        <Panel title="Counters">
          {Object.keys(run.counters).length === 0 ? (
            <p className="px-4 py-6 text-sm text-muted">No counters reported.</p>
          ) : (
            <dl className="grid grid-cols-2 gap-3 p-4">
              {Object.entries(run.counters).map(([name, value]) => (
                <div key={name}>
                  <dt className="truncate text-xs text-muted" title={name}>
                    {name}
                  </dt>
                  <dd className="text-lg font-semibold tabular-nums">{value.toLocaleString('en')}</dd>
                </div>
              ))}
            </dl>
          )}
        </Panel>
      </div>

      <Panel title="Log">
        {logs.length === 0 ? (
          <p className="px-4 py-6 text-sm text-muted">No log lines.</p>
        ) : (
          // A scrolling list: focusable, so it can be scrolled from the keyboard (WCAG 2.1.1).
          <ol tabIndex={0} aria-label="Log lines" className="max-h-96 overflow-auto p-4 font-mono text-xs">
            {logs.map((event) => (
              <li key={event.id} className="break-words">
                <span className="text-muted">{formatTime(event.at)}</span> <span className={event.level === 'error' ? 'text-danger' : ''}>{event.message}</span>
                {event.fields ? <span className="text-muted"> {JSON.stringify(event.fields)}</span> : null}
              </li>
            ))}
          </ol>
        )}
      </Panel>

      <div className="grid gap-6 lg:grid-cols-2">
        <Panel title="Payload">
          <div className="p-4">
            <JsonBlock value={run.payload} label="Payload" />
          </div>
        </Panel>
        <Panel title="Result">
          <div className="p-4">
            <JsonBlock value={run.result} label="Result" />
          </div>
        </Panel>
      </div>
    </div>
  );
}
