'use client';

import Link from 'next/link';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { isActive, isCancellable, isRetryable } from '@/lib/jobs/run-state.ts';
import type { RunDetailDto } from '@/lib/runs/run-dto.ts';
import { apiFetch, ApiError } from '../api-client.ts';
import { Button } from '../ui/button.tsx';
import { RunNowDialog, runNowQueries } from '../jobs/run-now-dialog.tsx';
import { formatDuration } from '../ui/format.ts';
import { Time } from '../ui/time.tsx';
import { ErrorNote, JsonBlock, LoadingRows, Panel } from '../ui/panel.tsx';
import { StatusBadge } from '../ui/status-badge.tsx';
import { useRunActions } from './run-actions.ts';
import { RunWaterfall } from './run-waterfall.tsx';
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

const levelClass: Record<string, string> = { error: 'text-danger', warn: 'text-warning', info: 'text-info', debug: 'text-muted' };

/** The log: each line's time, level, message and fields; while the run is going it follows (new lines scroll in unless you scrolled up). */
function RunLog({ events, following }: { events: RunDetailDto['events']; following: boolean }) {
  const list = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);
  useEffect(() => {
    const element = list.current;
    if (element && following && atBottom.current) element.scrollTop = element.scrollHeight;
  }, [events.length, following]);
  return (
    <Panel title="Log" actions={<span aria-live="polite">{following ? 'Following the run: new lines appear as it writes them' : `${events.length} lines`}</span>}>
      {events.length === 0 ? (
        <p className="px-4 py-6 text-sm text-muted">{following ? 'No log lines yet.' : 'No log lines.'}</p>
      ) : (
        // A scrolling list: focusable, so it can be scrolled from the keyboard (WCAG 2.1.1).
        <ol
          ref={list}
          tabIndex={0}
          aria-label="Log lines"
          className="max-h-96 overflow-auto p-4 font-mono text-xs"
          onScroll={(event) => {
            const element = event.currentTarget;
            atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
          }}
        >
          {events.map((event) => (
            <li key={event.id} data-level={event.level} className="flex flex-wrap gap-x-2 break-words">
              <Time at={event.at} className="text-muted" />
              <span className={`w-12 shrink-0 uppercase ${levelClass[event.level] ?? 'text-muted'}`}>{event.level}</span>
              <span className={event.level === 'error' ? 'text-danger' : ''}>{event.message}</span>
              {event.fields && typeof event.fields === 'object' && !Array.isArray(event.fields) ? (
                <span className="flex flex-wrap gap-1">
                  {Object.entries(event.fields as Record<string, unknown>).map(([key, value]) => (
                    <span key={key} className="rounded bg-surface-muted px-1 text-muted">
                      {key}=<span className="text-fg">{typeof value === 'string' ? value : JSON.stringify(value)}</span>
                    </span>
                  ))}
                </span>
              ) : event.fields != null ? (
                <span className="text-muted">{JSON.stringify(event.fields)}</span>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}

/** One run: its facts, a waterfall of its attempts and phases, log lines that follow it, counters, error, payload and result; Retry, Cancel and Run again. */
export function RunDetail({ id, canRetry, canCancel, canTrigger = false, isAdmin = false }: { id: string; canRetry: boolean; canCancel: boolean; canTrigger?: boolean; isAdmin?: boolean }) {
  const query = useQuery({
    queryKey: ['run', id],
    queryFn: () => apiFetch<{ run: RunDetailDto }>(`/api/runs/${encodeURIComponent(id)}`),
    // Polls while the run is going; once it has ended nothing about it changes, so it stops.
    refetchInterval: (q) => (q.state.data && isActive(q.state.data.run.status) ? 2_000 : false),
  });
  const queryClient = useQueryClient();
  const { retry, cancel } = useRunActions();
  const [replaying, setReplaying] = useState(false);
  const [replayed, setReplayed] = useState<string | null>(null);
  const run = query.data?.run;
  const now = useNow(Boolean(run && isActive(run.status)));
  const runAgain = async (jobName: string) => {
    const [jobQuery, templatesQuery] = runNowQueries(jobName);
    await Promise.all([queryClient.prefetchQuery(jobQuery), queryClient.prefetchQuery(templatesQuery)]);
    setReplaying(true);
  };

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
          {canTrigger ? (
            <Button onClick={() => void runAgain(run.jobName)} title="Start a new run of this job from this run's payload (you can edit it first)">
              Run again
            </Button>
          ) : null}
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
      {replaying ? (
        <RunNowDialog jobName={run.jobName} isAdmin={isAdmin} initialPayload={run.payload} replayOf={run.id} onClose={() => setReplaying(false)} onQueued={(runId) => setReplayed(runId)} />
      ) : null}
      {replayed ? (
        <p role="status" className="text-sm text-success">
          Queued again: {runLink(replayed, `run ${replayed.slice(0, 8)}`)}
        </p>
      ) : null}
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
          <Fact label="Queued">
            <Time at={run.queuedAt} />
          </Fact>
          <Fact label="Started">
            <Time at={run.startedAt} />
          </Fact>
          <Fact label="Finished">
            <Time at={run.finishedAt} />
          </Fact>
          <Fact label="Duration">{formatDuration(durationOf(run, now))}</Fact>
          {run.retryOf ? <Fact label="Retry of">{runLink(run.retryOf)}</Fact> : null}
          {run.causedBy ? <Fact label="Caused by">{runLink(run.causedBy)}</Fact> : null}
          {run.replayOf ? (
            <Fact label="Replay of">
              <span data-testid="replay-of">replay of {runLink(run.replayOf, `#${run.replayOf.slice(0, 8)}`)}</span>
            </Fact>
          ) : null}
          {run.replayedBy.length > 0 ? (
            <Fact label="Run again as">
              <span className="flex flex-col">{run.replayedBy.map((replayId) => <span key={replayId}>{runLink(replayId)}</span>)}</span>
            </Fact>
          ) : null}
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

      <Panel title="Waterfall">
        <RunWaterfall run={run} now={now} />
      </Panel>

      <Panel title="Counters">
        {Object.keys(run.counters).length === 0 ? (
          <p className="px-4 py-6 text-sm text-muted">No counters reported.</p>
        ) : (
          <dl className="grid grid-cols-2 gap-3 p-4 sm:grid-cols-4">
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

      <RunLog events={logs} following={isActive(run.status)} />

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
