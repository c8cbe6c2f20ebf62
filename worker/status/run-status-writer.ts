import type pg from 'pg';
import type { Db } from '@/lib/db.ts';
import type { Job } from 'bullmq';
import type { JobDefinition } from '@/lib/jobs/define-job.ts';
import type { Priority, RunTrigger } from '@/lib/jobs/run-state.ts';
import { logger } from '@/lib/logger.ts';
import { attemptNumber, type RunJobData } from '@/lib/queue/run-job-data.ts';
import { writeEvents, writeProgress, writeTransitions, type RunEventRow, type RunTransition } from '@/lib/runs/run-store.ts';

export interface AttemptStart {
  runId: string;
  jobName: string;
  attempt: number;
  maxAttempts: number;
  workerId: string;
  startedAt: Date;
  /** Used only when the row does not exist yet (a scheduled fire). */
  seed: { trigger: RunTrigger; source: string | null; actor: string | null; requestId: string | null; payload: unknown; priority: Priority; queuedAt: Date };
}

/** The attempt BullMQ hands a worker: a run recovered from a stalled worker, or put back on its queue by the reconciler, counts as a new attempt. */
export function attemptStartOf(job: Job<RunJobData>, definition: JobDefinition | undefined, workerId: string): AttemptStart {
  return {
    runId: job.id!,
    jobName: job.name,
    attempt: attemptNumber(job),
    maxAttempts: job.opts.attempts ?? 1,
    workerId,
    startedAt: new Date(),
    seed: {
      trigger: job.data.trigger,
      source: job.data.source ?? null,
      actor: job.data.actor ?? null,
      requestId: job.data.requestId ?? null,
      payload: job.data.payload,
      priority: definition?.priority ?? 'medium',
      queuedAt: new Date(job.timestamp),
    },
  };
}

export type AttemptOutcome =
  | { status: 'completed'; result: unknown }
  | { status: 'failed' | 'retrying' | 'cancelled'; error: string; stack: string | null };

export interface RunStatusWriterOptions {
  /** Longest a transition waits in memory before it is written. Default: 20 ms. */
  flushIntervalMs?: number;
  /** Rows written by one statement; a fuller buffer flushes at once. Default: 500. */
  maxBatch?: number;
  /** Progress, phase and counters are written at most this often per run. Default: 250 ms. */
  progressFlushMs?: number;
}

/**
 * Writes run transitions to PostgreSQL in batches: transitions are folded per run in memory
 * and written every few milliseconds (or every few hundred runs) by one upsert
 * (`writeTransitions` in the run store, guarded by attempt number and state rank, so a late
 * write never moves a run backwards: never `running` after `completed`). When PostgreSQL is unreachable the batch is kept and
 * retried with backoff while jobs keep running; what a crash loses before a flush is
 * repaired by the reconciler from BullMQ's own job state.
 */
export class RunStatusWriter {
  private pending = new Map<string, RunTransition>();
  private events: RunEventRow[] = [];
  private readonly pendingProgress = new Map<string, { progress?: number; phase?: string | null; counters?: Record<string, number> }>();
  private flushTimer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly progressFlushMs: number;
  /** Rows and statements written, for the benchmark and the logs. */
  readonly stats = { rows: 0, statements: 0, retries: 0 };

  /**
   * `sql` takes the batched writes: a plain `pg` pool, because Prisma's query pipeline costs
   * more CPU per batch than the database does to run it. `db` takes the small progress updates.
   */
  constructor(
    private readonly db: Db,
    private readonly sql: Pick<pg.Pool, 'query'>,
    options: RunStatusWriterOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 20;
    this.maxBatch = options.maxBatch ?? 500;
    this.progressFlushMs = options.progressFlushMs ?? 250;
  }

  attemptStarted(start: AttemptStart): void {
    this.fold(start, {
      status: 'running',
      startedAt: start.startedAt.toISOString(),
      error: null,
      errorStack: null,
      attempts: [{ attempt: start.attempt, at: start.startedAt.toISOString(), workerId: start.workerId }],
    });
  }

  /** How an attempt ended; `completed`, `failed` and `cancelled` are final, `retrying` is not. */
  attemptFinished(start: AttemptStart, finishedAt: Date, outcome: AttemptOutcome, report: { counters?: Record<string, number>; phase?: string | null } = {}): void {
    this.pendingProgress.delete(start.runId);
    const failed = outcome.status !== 'completed';
    this.fold(start, {
      status: outcome.status,
      startedAt: start.startedAt.toISOString(),
      finishedAt: outcome.status === 'retrying' ? null : finishedAt.toISOString(),
      result: outcome.status === 'completed' ? (outcome.result ?? null) : undefined,
      error: failed ? outcome.error : null,
      errorStack: failed ? outcome.stack : null,
      counters: report.counters && Object.keys(report.counters).length > 0 ? report.counters : null,
      phase: report.phase ?? null,
      attempts: [
        {
          attempt: start.attempt,
          at: start.startedAt.toISOString(),
          workerId: start.workerId,
          finishedAt: finishedAt.toISOString(),
          ...(failed ? { error: outcome.error, trace: outcome.stack ?? undefined } : {}),
        },
      ],
    });
  }

  /**
   * A run that ends without its handler running: `skipped` (window, condition, lock,
   * trigger source off) or `cancelled` (marked before it started).
   */
  endedWithoutRunning(start: AttemptStart, status: 'skipped' | 'cancelled', reason: string): void {
    this.fold({ ...start, attempt: 0 }, { status, finishedAt: new Date().toISOString(), error: reason, attempts: [] });
  }

  /** Progress, phase and counters: the latest value per run is written every few hundred ms. */
  progress(runId: string, update: { progress?: number; phase?: string | null; counters?: Record<string, number> }): void {
    this.pendingProgress.set(runId, { ...this.pendingProgress.get(runId), ...update });
    this.progressTimer ??= setTimeout(() => {
      this.progressTimer = undefined;
      void this.flushProgress();
    }, this.progressFlushMs);
  }

  event(runId: string, attempt: number, kind: 'phase' | 'log', message: string, fields?: Record<string, unknown>, level = 'info'): void {
    this.events.push({ runId, attempt, kind, level, message: message.slice(0, 4_000), fields: fields ?? null, at: new Date().toISOString() });
    this.schedule();
  }

  /** Writes everything pending; resolves once it is in PostgreSQL (retrying until it is). */
  async flush(): Promise<void> {
    while (this.flushing || this.pending.size > 0 || this.events.length > 0) {
      if (this.flushing) await this.flushing;
      else await this.flushOnce();
    }
  }

  /** Stops the timers and writes what is left, giving up after `timeoutMs`. */
  async close(timeoutMs = 10_000): Promise<void> {
    clearTimeout(this.progressTimer);
    await this.flushProgress();
    const done = await Promise.race([this.flush().then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref())]);
    clearTimeout(this.flushTimer);
    if (!done) logger.error({ pendingRuns: this.pending.size }, 'run transitions not written before shutdown; the reconciler will repair them');
  }

  private fold(start: AttemptStart, change: Partial<RunTransition>): void {
    const current = this.pending.get(start.runId);
    const attempts = new Map((current?.attempts ?? []).map((entry) => [entry.attempt, entry]));
    for (const entry of change.attempts ?? []) attempts.set(entry.attempt, { ...attempts.get(entry.attempt), ...entry });
    const row: RunTransition = {
      id: start.runId,
      jobName: start.jobName,
      trigger: start.seed.trigger,
      source: start.seed.source,
      actor: start.seed.actor,
      requestId: start.seed.requestId,
      payload: start.seed.payload ?? {},
      priority: start.seed.priority,
      queuedAt: start.seed.queuedAt.toISOString(),
      maxAttempts: start.maxAttempts,
      workerId: start.workerId,
      status: 'running',
      attempt: start.attempt,
      startedAt: null,
      finishedAt: null,
      result: undefined,
      error: null,
      errorStack: null,
      phase: null,
      counters: null,
      ...current,
      attempts: [],
    };
    for (const key of Object.keys(change) as (keyof RunTransition)[]) {
      if (change[key] !== undefined) (row as unknown as Record<string, unknown>)[key] = change[key];
    }
    row.attempts = [...attempts.values()];
    row.attempt = Math.max(current?.attempt ?? 0, start.attempt);
    row.startedAt = current?.startedAt ?? row.startedAt;
    this.pending.set(start.runId, row);
    this.schedule();
  }

  private schedule(): void {
    if (this.pending.size + this.events.length >= this.maxBatch) {
      if (!this.flushing) void this.flushOnce();
      return;
    }
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      if (!this.flushing) void this.flushOnce();
    }, this.flushIntervalMs);
  }

  private flushOnce(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const rows = [...this.pending.values()].slice(0, this.maxBatch);
    for (const row of rows) this.pending.delete(row.id);
    const events = this.events.splice(0, this.maxBatch);
    this.flushing = this.write(rows, events)
      .then(() => {
        this.failures = 0;
      })
      .catch(async (error: unknown) => {
        // Put the batch back under anything newer, and try again later.
        this.failures += 1;
        this.stats.retries += 1;
        for (const row of rows) {
          const newer = this.pending.get(row.id);
          this.pending.set(row.id, newer ? mergeRows(row, newer) : row);
        }
        this.events.unshift(...events);
        const waitMs = Math.min(2_000, 50 * 2 ** Math.min(this.failures, 6));
        logger.warn({ err: error instanceof Error ? error.message.trim().split('\n').at(-1) : String(error), rows: rows.length, retryInMs: waitMs }, 'could not write run transitions; will retry');
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      })
      .finally(() => {
        this.flushing = undefined;
        if (this.pending.size > 0 || this.events.length > 0) this.schedule();
      });
    return this.flushing;
  }

  private async write(rows: RunTransition[], events: RunEventRow[]): Promise<void> {
    if (rows.length > 0) {
      await writeTransitions(this.sql, rows);
      this.stats.rows += rows.length;
      this.stats.statements += 1;
    }
    if (events.length > 0) {
      await writeEvents(this.sql, events);
      this.stats.statements += 1;
    }
  }

  private async flushProgress(): Promise<void> {
    const updates = [...this.pendingProgress.entries()];
    this.pendingProgress.clear();
    await Promise.all(
      updates.map(([runId, update]) => writeProgress(runId, update, this.db).catch((error: unknown) => logger.warn({ err: error, runId }, 'could not record progress'))),
    );
  }
}

/** An older pending row under a newer one: the newer state wins, attempts are merged. */
function mergeRows(older: RunTransition, newer: RunTransition): RunTransition {
  const attempts = new Map(older.attempts.map((entry) => [entry.attempt, entry]));
  for (const entry of newer.attempts) attempts.set(entry.attempt, { ...attempts.get(entry.attempt), ...entry });
  return { ...newer, startedAt: older.startedAt ?? newer.startedAt, result: newer.result ?? older.result, attempts: [...attempts.values()] };
}
