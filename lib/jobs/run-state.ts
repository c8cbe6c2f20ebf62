/**
 * Run states: where a run stands, what moves it in and out, and the rules every part of
 * Kickoff reads from here (the run store's guards, the worker's outcome, cancel and retry, the
 * dashboard's buttons). This file is pure: no I/O, safe in the browser.
 *
 * Glossary
 * - job: a named piece of work defined in code (`lib/jobs/definitions/<name>.ts`).
 * - run: one execution request of a job, one row in `JobRun`; its id is the BullMQ job id.
 * - attempt: one try of a run on a worker; a run has 1..maxAttempts attempts.
 * - trigger: what created the run (schedule, manual, api, dependency, retry, event).
 * - the gate: the worker's check before an attempt starts (`worker/run-gate.ts`), which
 *   applies the run policy (`run-policy.ts`) once more.
 * - the run store: the one module that writes `JobRun` (`lib/runs/run-store.ts`); every write
 *   there is guarded by the rules below.
 */

export const runStatuses = ['queued', 'running', 'retrying', 'completed', 'failed', 'cancelled', 'skipped'] as const;
export type RunStatus = (typeof runStatuses)[number];

/**
 * - `queued`: the row exists and its BullMQ job waits in the category's queue. Enters when the
 *   run pipeline accepts a request (the row is written before the BullMQ job is added), or when
 *   a worker's gate holds a run back (Kickoff paused, an exclusive job's holder still running:
 *   the run stays `queued` and the BullMQ job is delayed until the gate looks again). Leaves to
 *   `running` when a worker takes it and the gate lets it start; to `skipped` when the gate
 *   finds a reason it must not run (a job switched off, a scheduled fire outside its window);
 *   to `cancelled` when cancelled before it starts; to `failed` when the reconciler finds its
 *   BullMQ job failed without the run hearing of it. A run whose BullMQ job is gone (Redis lost
 *   it) stays `queued`: the reconciler adds the job again from the row.
 * - `running`: an attempt executes on a worker (`workerId`, `startedAt`, `attempt`). Leaves to
 *   `completed` on success; to `retrying` when it throws and attempts remain, or when its
 *   worker is gone with its BullMQ job (Redis lost it) and the reconciler puts it back on its
 *   queue for the next attempt; to `failed` when it throws on its last attempt or throws an
 *   unrecoverable error (or the reconciler finds it gone after its last); to `cancelled` when
 *   aborted through its signal; to `running` again (a new attempt) when its worker died and
 *   BullMQ's stalled-job check hands it to another worker.
 * - `retrying`: the last attempt failed (or was lost with Redis) and BullMQ holds the run
 *   delayed until its backoff passes. Leaves to `running` for the next attempt, to `cancelled`, or to `failed` (the
 *   reconciler, as for `queued`).
 * - `completed`: final. The handler returned; `result` holds what it returned.
 * - `failed`: final. `error` and `errorStack` hold the last attempt's error; `attempts` holds
 *   every attempt's. A new run with trigger `retry` may point back at it.
 * - `cancelled`: final. Removed from its queue, or aborted while running. May be retried.
 * - `skipped`: final. The handler never ran; `error` holds the reason: a scheduled fire whose
 *   window or condition did not hold, a job or trigger source switched off, a scheduled fire
 *   while its exclusive job was running.
 */
export const finalStatuses = ['completed', 'failed', 'cancelled', 'skipped'] as const satisfies readonly RunStatus[];
export const activeStatuses = ['queued', 'running', 'retrying'] as const satisfies readonly RunStatus[];

/** A new run (trigger `retry`, `retryOf` pointing back) may be made of a run in these states. */
export const retryableStatuses = ['failed', 'cancelled'] as const satisfies readonly RunStatus[];
/** A run in these states may be cancelled: taken off its queue, or aborted where it runs. */
export const cancellableStatuses = activeStatuses;
/** A run in these states is not on a worker: cancel takes it off its queue and ends it at once. */
export const waitingStatuses = ['queued', 'retrying'] as const satisfies readonly RunStatus[];

const transitions: Record<RunStatus, readonly RunStatus[]> = {
  queued: ['running', 'cancelled', 'skipped', 'failed'],
  running: ['completed', 'failed', 'retrying', 'cancelled', 'running'],
  retrying: ['running', 'cancelled', 'failed'],
  completed: [],
  failed: [],
  cancelled: [],
  skipped: [],
};

/**
 * Whether a run in `from` may move to `to`. A final state never changes. (The reconciler may
 * also bring an active row straight to the final state BullMQ recorded, when the transitions
 * between were lost in a crash: a repair, not a transition; see `repairableStatuses`.)
 */
export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return transitions[from].includes(to);
}

/** Rows in these states are the reconciler's to repair from BullMQ's job state. */
export const repairableStatuses = activeStatuses;

const includes = (list: readonly RunStatus[], status: RunStatus) => list.includes(status);

export const isFinal = (status: RunStatus): boolean => includes(finalStatuses, status);
export const isActive = (status: RunStatus): boolean => includes(activeStatuses, status);
export const isRetryable = (status: RunStatus): boolean => includes(retryableStatuses, status);
export const isCancellable = (status: RunStatus): boolean => includes(cancellableStatuses, status);
export const isWaiting = (status: RunStatus): boolean => includes(waitingStatuses, status);

/**
 * How far along a run is. A late write never lowers it within one attempt: the run store
 * applies a transition only when it comes from a later attempt, or from the same attempt with
 * a rank at least as high, and never to a final row.
 */
export const stateRank: Record<RunStatus, number> = {
  queued: 0,
  running: 1,
  retrying: 2,
  completed: 3,
  failed: 3,
  cancelled: 3,
  skipped: 3,
};

/** What an attempt that threw becomes. */
export interface FailedAttempt {
  /** Aborted through its signal by a cancel. */
  cancelled: boolean;
  /** The error says retrying cannot help (bad payload, BullMQ's `UnrecoverableError`). */
  unrecoverable: boolean;
  /** Tries used so far, this one included (a stalled recovery is not a try of its own). */
  triesUsed: number;
  maxAttempts: number;
}

export function failedAttemptOutcome(attempt: FailedAttempt): 'cancelled' | 'failed' | 'retrying' {
  if (attempt.cancelled) return 'cancelled';
  if (attempt.unrecoverable || attempt.triesUsed >= attempt.maxAttempts) return 'failed';
  return 'retrying';
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
 * job it depends on succeeding (`dependency`), a retry of an earlier run (`retry`; by a person
 * in the dashboard or with an API key: `source` says which), or a change in the data (`event`:
 * a database NOTIFY such as a gameweek finishing, or league tables found empty when a worker
 * starts).
 */
export const runTriggers = ['schedule', 'manual', 'api', 'dependency', 'retry', 'event'] as const;
export type RunTrigger = (typeof runTriggers)[number];

export const priorities = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof priorities)[number];
