import type pg from 'pg';
import type { Db } from '@/lib/db.ts';
import type { Priority, RunAttempt, RunStatus, RunTrigger } from '@/lib/jobs/run-state.ts';
import { logger } from '@/lib/logger.ts';

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

/** A run's latest known state, folded from every transition not yet written. */
interface PendingRow {
  id: string;
  jobName: string;
  status: RunStatus;
  trigger: RunTrigger;
  source: string | null;
  actor: string | null;
  requestId: string | null;
  payload: unknown;
  priority: Priority;
  queuedAt: string;
  maxAttempts: number;
  attempt: number;
  startedAt: string | null;
  finishedAt: string | null;
  workerId: string;
  result: unknown;
  error: string | null;
  errorStack: string | null;
  phase: string | null;
  counters: Record<string, number> | null;
  /** Attempts to add or replace (matched by number). */
  attempts: RunAttempt[];
}

interface PendingEvent {
  runId: string;
  attempt: number;
  kind: 'phase' | 'log';
  level: string;
  message: string;
  fields: Record<string, unknown> | null;
  at: string;
}

/**
 * Writes run transitions to PostgreSQL in batches: transitions are folded per run in memory
 * and written every few milliseconds (or every few hundred runs) by one upsert. A write is
 * guarded by attempt number and state rank, so a late write never moves a run backwards
 * (never `running` after `completed`). When PostgreSQL is unreachable the batch is kept and
 * retried with backoff while jobs keep running; what a crash loses before a flush is
 * repaired by the reconciler from BullMQ's own job state.
 */
export class RunStatusWriter {
  private pending = new Map<string, PendingRow>();
  private events: PendingEvent[] = [];
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

  private fold(start: AttemptStart, change: Partial<PendingRow>): void {
    const current = this.pending.get(start.runId);
    const attempts = new Map((current?.attempts ?? []).map((entry) => [entry.attempt, entry]));
    for (const entry of change.attempts ?? []) attempts.set(entry.attempt, { ...attempts.get(entry.attempt), ...entry });
    const row: PendingRow = {
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
    for (const key of Object.keys(change) as (keyof PendingRow)[]) {
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

  private async write(rows: PendingRow[], events: PendingEvent[]): Promise<void> {
    if (rows.length > 0) {
      const json = JSON.stringify(rows.map((row) => ({ ...row, result: row.result === undefined ? null : row.result, hasResult: row.result !== undefined })));
      await this.sql.query(
        `INSERT INTO "JobRun" AS r (id, "jobName", status, trigger, source, actor, "requestId", payload, priority, "queuedAt",
          "maxAttempts", attempt, "startedAt", "finishedAt", "durationMs", "workerId", result, error, "errorStack",
          progress, phase, counters, attempts, "updatedAt")
        SELECT t.id, t."jobName", t.status::"RunStatus", t.trigger::"RunTrigger", t.source, t.actor, t."requestId",
          COALESCE(t.payload, '{}'::jsonb), t.priority::"JobPriority", t."queuedAt", t."maxAttempts", t.attempt, t."startedAt",
          t."finishedAt",
          CASE WHEN t."finishedAt" IS NOT NULL
            THEN GREATEST(0, (EXTRACT(EPOCH FROM (t."finishedAt" - COALESCE(t."startedAt", t."finishedAt"))) * 1000)::int) END,
          t."workerId", CASE WHEN t."hasResult" THEN t.result END, t.error, t."errorStack",
          CASE WHEN t.status = 'completed' THEN 100 ELSE 0 END, t.phase, COALESCE(t.counters, '{}'::jsonb),
          COALESCE(t.attempts, '[]'::jsonb), now()
        FROM jsonb_to_recordset($1::jsonb) AS t(id text, "jobName" text, status text, trigger text, source text, actor text,
          "requestId" text, payload jsonb, priority text, "queuedAt" timestamp, "maxAttempts" int, attempt int,
          "startedAt" timestamp, "finishedAt" timestamp, "workerId" text, result jsonb, "hasResult" boolean, error text,
          "errorStack" text, phase text, counters jsonb, attempts jsonb)
        ON CONFLICT (id) DO UPDATE SET
          status = EXCLUDED.status,
          attempt = GREATEST(r.attempt, EXCLUDED.attempt),
          "maxAttempts" = EXCLUDED."maxAttempts",
          "startedAt" = COALESCE(r."startedAt", EXCLUDED."startedAt"),
          "finishedAt" = EXCLUDED."finishedAt",
          "durationMs" = CASE WHEN EXCLUDED."finishedAt" IS NOT NULL
            THEN GREATEST(0, (EXTRACT(EPOCH FROM (EXCLUDED."finishedAt" - COALESCE(r."startedAt", EXCLUDED."startedAt", EXCLUDED."finishedAt"))) * 1000)::int) END,
          "workerId" = COALESCE(EXCLUDED."workerId", r."workerId"),
          result = COALESCE(EXCLUDED.result, r.result),
          error = EXCLUDED.error,
          "errorStack" = EXCLUDED."errorStack",
          progress = CASE WHEN EXCLUDED.status = 'completed' THEN 100 ELSE r.progress END,
          phase = COALESCE(EXCLUDED.phase, r.phase),
          counters = CASE WHEN EXCLUDED.counters = '{}'::jsonb THEN r.counters ELSE EXCLUDED.counters END,
          attempts = (
            SELECT COALESCE(jsonb_agg(entry ORDER BY (entry->>'attempt')::int), '[]'::jsonb) FROM (
              SELECT old.entry FROM jsonb_array_elements(r.attempts) AS old(entry)
              WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(EXCLUDED.attempts) AS new(entry) WHERE new.entry->'attempt' = old.entry->'attempt')
              UNION ALL SELECT new.entry FROM jsonb_array_elements(EXCLUDED.attempts) AS new(entry)
            ) merged),
          "updatedAt" = now()
        WHERE r.status NOT IN ('completed', 'failed', 'cancelled', 'skipped')
          AND (EXCLUDED.attempt > r.attempt OR (EXCLUDED.attempt = r.attempt AND
            (CASE EXCLUDED.status WHEN 'queued' THEN 0 WHEN 'running' THEN 1 WHEN 'retrying' THEN 2 ELSE 3 END) >=
            (CASE r.status WHEN 'queued' THEN 0 WHEN 'running' THEN 1 WHEN 'retrying' THEN 2 ELSE 3 END)))`,
        [json],
      );
      this.stats.rows += rows.length;
      this.stats.statements += 1;
    }
    if (events.length > 0) {
      await this.sql.query(
        `INSERT INTO "RunEvent" ("runId", attempt, kind, level, message, fields, at)
        SELECT e."runId", e.attempt, e.kind, e.level, e.message, e.fields, e.at
        FROM jsonb_to_recordset($1::jsonb) AS e("runId" text, attempt int, kind text, level text, message text, fields jsonb, at timestamp)
        WHERE EXISTS (SELECT 1 FROM "JobRun" WHERE id = e."runId")`,
        [JSON.stringify(events)],
      );
      this.stats.statements += 1;
    }
  }

  private async flushProgress(): Promise<void> {
    const updates = [...this.pendingProgress.entries()];
    this.pendingProgress.clear();
    await Promise.all(
      updates.map(([runId, update]) => {
        const data: { progress?: number; phase?: string | null; counters?: object } = {};
        if (update.progress !== undefined) data.progress = Math.max(0, Math.min(100, Math.round(update.progress)));
        if (update.phase !== undefined) data.phase = update.phase;
        if (update.counters) data.counters = update.counters;
        return this.db.jobRun
          .updateMany({ where: { id: runId, status: 'running' }, data })
          .catch((error: unknown) => logger.warn({ err: error, runId }, 'could not record progress'));
      }),
    );
  }
}

/** An older pending row under a newer one: the newer state wins, attempts are merged. */
function mergeRows(older: PendingRow, newer: PendingRow): PendingRow {
  const attempts = new Map(older.attempts.map((entry) => [entry.attempt, entry]));
  for (const entry of newer.attempts) attempts.set(entry.attempt, { ...attempts.get(entry.attempt), ...entry });
  return { ...newer, startedAt: older.startedAt ?? newer.startedAt, result: newer.result ?? older.result, attempts: [...attempts.values()] };
}
