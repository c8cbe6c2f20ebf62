import type { JobRun, RunEvent } from '@/generated/prisma/client.ts';
import { pausedReason } from '../jobs/run-policy.ts';
import { isWaiting, type RunAttempt } from '../jobs/run-state.ts';

/** A run as the API and the dashboard see it (dates as ISO strings). */
export interface RunDto {
  id: string;
  jobName: string;
  status: JobRun['status'];
  trigger: JobRun['trigger'];
  source: string | null;
  actor: string | null;
  requestId: string | null;
  payload: unknown;
  result: unknown;
  error: string | null;
  attempt: number;
  maxAttempts: number;
  priority: JobRun['priority'];
  progress: number;
  phase: string | null;
  counters: Record<string, number>;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  workerId: string | null;
  retryOf: string | null;
  causedBy: string | null;
  /** "Run again": the run whose payload this one started from. */
  replayOf: string | null;
  /** Why a queued or retrying run is not starting yet, when Kickoff knows (it is paused). */
  waiting: string | null;
}

/** One run of a retry chain, with its attempts (no traces), for the waterfall. */
export interface RunTryDto {
  id: string;
  status: JobRun['status'];
  trigger: JobRun['trigger'];
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  attempts: Omit<RunAttempt, 'trace'>[];
}

export type RunTryRow = Pick<JobRun, 'id' | 'status' | 'trigger' | 'queuedAt' | 'startedAt' | 'finishedAt' | 'error' | 'attempts'>;

export function toRunTryDto(run: RunTryRow): RunTryDto {
  return {
    id: run.id,
    status: run.status,
    trigger: run.trigger,
    queuedAt: run.queuedAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    error: run.error,
    attempts: ((run.attempts ?? []) as unknown as RunAttempt[]).map(({ trace: _trace, ...attempt }) => attempt),
  };
}

/** What the run list knows beyond the row: whether Kickoff is paused (every waiting run is held). */
export interface RunFacts {
  paused?: boolean;
}

export interface RunDetailDto extends RunDto {
  /** Admins only (null for everyone else, as is each attempt's `trace`): stacks name server paths. */
  errorStack: string | null;
  /** Runs that retry this one, and runs it caused (its dependents). */
  retriedBy: string[];
  /** Runs started with "Run again" from this one. */
  replayedBy: string[];
  caused: { id: string; jobName: string }[];
  attempts: RunAttempt[];
  /** The retry chain this run is in, oldest first, this run included (each a run of its own, linked by `retryOf`): the waterfall's rows. */
  tries: RunTryDto[];
  events: { id: string; at: string; kind: string; level: string; message: string; fields: unknown; attempt: number }[];
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toRunDto(run: JobRun, facts: RunFacts = {}): RunDto {
  return {
    id: run.id,
    jobName: run.jobName,
    status: run.status,
    trigger: run.trigger,
    source: run.source,
    actor: run.actor,
    requestId: run.requestId,
    payload: run.payload,
    result: run.result,
    error: run.error,
    attempt: run.attempt,
    maxAttempts: run.maxAttempts,
    priority: run.priority,
    progress: run.progress,
    phase: run.phase,
    counters: (run.counters ?? {}) as Record<string, number>,
    queuedAt: run.queuedAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    durationMs: run.durationMs,
    workerId: run.workerId,
    retryOf: run.retryOf,
    causedBy: run.causedBy,
    replayOf: run.replayOf,
    waiting: facts.paused && isWaiting(run.status) ? pausedReason : null,
  };
}

export function toRunDetailDto(
  run: JobRun & { events: RunEvent[] },
  links: { retriedBy: string[]; replayedBy: string[]; caused: { id: string; jobName: string }[]; tries: RunTryDto[] },
  audience: { admin: boolean },
  facts: RunFacts = {},
): RunDetailDto {
  const attempts = (run.attempts ?? []) as unknown as RunAttempt[];
  return {
    ...toRunDto(run, facts),
    ...links,
    errorStack: audience.admin ? run.errorStack : null,
    attempts: audience.admin ? attempts : attempts.map(({ trace: _trace, ...attempt }) => attempt),
    events: run.events.map((event) => ({
      id: event.id.toString(),
      at: event.at.toISOString(),
      kind: event.kind,
      level: event.level,
      message: event.message,
      fields: event.fields,
      attempt: event.attempt,
    })),
  };
}
