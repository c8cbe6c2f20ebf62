/**
 * Run states: where a run stands, and what moves it.
 *
 * Glossary
 * - job: a named piece of work defined in code (`lib/jobs/definitions/<name>.ts`).
 * - run: one execution request of a job, one row in `JobRun`; its id is the BullMQ job id.
 * - attempt: one try of a run on a worker; a run has 1..maxAttempts attempts.
 * - trigger: what created the run (schedule, manual, api, dependency, retry).
 */

export const runStatuses = ['queued', 'running', 'retrying', 'completed', 'failed', 'cancelled', 'skipped'] as const;
export type RunStatus = (typeof runStatuses)[number];

/**
 * - `queued`: the run is in its BullMQ queue, waiting for a worker. Enters on trigger (row
 *   written before the BullMQ job is added). Leaves to `running` when a worker takes it, or
 *   to `cancelled` when cancelled before it starts.
 * - `running`: an attempt executes on a worker (`workerId`, `startedAt`, `attempt`). Leaves
 *   to `completed` on success; to `retrying` when it throws and attempts remain; to `failed`
 *   when it throws on its last attempt or throws an unrecoverable error; to `cancelled` when
 *   aborted through its signal.
 * - `retrying`: the last attempt failed and BullMQ holds the run delayed until its backoff
 *   passes. Leaves to `running` for the next attempt, or to `cancelled`.
 * - `completed`: final. The handler returned; `result` holds what it returned.
 * - `failed`: final. `error` and `errorStack` hold the last attempt's error; `attempts`
 *   holds every attempt's. A new run with trigger `retry` may point back at it.
 * - `cancelled`: final. Removed from its queue, or aborted while running.
 * - `skipped`: final. A scheduled fire whose window or condition did not hold, or whose
 *   exclusive lock was held; `error` holds the reason. The handler never ran.
 */
export const finalStatuses = ['completed', 'failed', 'cancelled', 'skipped'] as const satisfies readonly RunStatus[];
export const activeStatuses = ['queued', 'running', 'retrying'] as const satisfies readonly RunStatus[];

const transitions: Record<RunStatus, readonly RunStatus[]> = {
  queued: ['running', 'cancelled', 'skipped', 'failed'],
  running: ['completed', 'failed', 'retrying', 'cancelled', 'running'],
  retrying: ['running', 'cancelled', 'failed'],
  completed: [],
  failed: [],
  cancelled: [],
  skipped: [],
};

/** Whether a run in `from` may move to `to`. A final state never changes. */
export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return transitions[from].includes(to);
}

export function isFinal(status: RunStatus): boolean {
  return (finalStatuses as readonly RunStatus[]).includes(status);
}

export function isActive(status: RunStatus): boolean {
  return (activeStatuses as readonly RunStatus[]).includes(status);
}

/** One try of a run, kept in order on the run row. */
export interface RunAttempt {
  attempt: number;
  /** When the attempt started (ISO 8601). */
  at: string;
  finishedAt?: string;
  workerId?: string;
  /** The error's message when the attempt failed. */
  error?: string;
  /** The error's stack when the attempt failed. */
  trace?: string;
}

/**
 * What queued a run: its schedule, a person in the dashboard (`manual`), an API key (`api`), a
 * job it depends on succeeding (`dependency`), a retry of an earlier run (`retry`), or a change
 * in the data (`event`: a database NOTIFY such as a gameweek finishing, or league tables found
 * empty when a worker starts).
 */
export const runTriggers = ['schedule', 'manual', 'api', 'dependency', 'retry', 'event'] as const;
export type RunTrigger = (typeof runTriggers)[number];

export const priorities = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof priorities)[number];
