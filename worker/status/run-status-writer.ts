import type { Db } from '@/lib/db.ts';
import type { Priority, RunTrigger } from '@/lib/jobs/run-state.ts';
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

/**
 * Writes run transitions to PostgreSQL. Each write is guarded by the states it may move
 * from, so a late or repeated write never moves a run backwards (never `running` after
 * `completed`).
 */
export class RunStatusWriter {
  private readonly pendingProgress = new Map<string, { progress: number; phase?: string | null; counters?: Record<string, number> }>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly progressFlushMs = 250,
  ) {}

  /**
   * Records that an attempt started. Returns false when the run may not start (it was
   * cancelled or already finished), in which case the handler must not run.
   */
  async attemptStarted(start: AttemptStart): Promise<boolean> {
    const attemptEntry = JSON.stringify([{ attempt: start.attempt, at: start.startedAt.toISOString(), workerId: start.workerId }]);
    const { seed } = start;
    const rows = await this.db.$queryRaw<{ status: string }[]>`
      INSERT INTO "JobRun" (id, "jobName", status, trigger, source, actor, "requestId", payload, attempt,
        "maxAttempts", priority, "queuedAt", "startedAt", "workerId", attempts, progress, "updatedAt")
      VALUES (${start.runId}, ${start.jobName}, 'running', ${seed.trigger}::"RunTrigger", ${seed.source}, ${seed.actor},
        ${seed.requestId}, ${JSON.stringify(seed.payload ?? {})}::jsonb, ${start.attempt}, ${start.maxAttempts},
        ${seed.priority}::"JobPriority", ${seed.queuedAt}, ${start.startedAt}, ${start.workerId}, ${attemptEntry}::jsonb, 0, now())
      ON CONFLICT (id) DO UPDATE SET
        status = 'running',
        attempt = EXCLUDED.attempt,
        "maxAttempts" = EXCLUDED."maxAttempts",
        "startedAt" = COALESCE("JobRun"."startedAt", EXCLUDED."startedAt"),
        "workerId" = EXCLUDED."workerId",
        attempts = "JobRun".attempts || EXCLUDED.attempts,
        error = NULL,
        "updatedAt" = now()
      WHERE "JobRun".status IN ('queued', 'retrying', 'running')
      RETURNING status`;
    return rows.length > 0;
  }

  /**
   * Records a run that ends without its handler running: `skipped` (window, condition,
   * lock, trigger source off) or `cancelled` (marked before it started).
   */
  async endedWithoutRunning(start: Omit<AttemptStart, 'attempt' | 'startedAt'>, status: 'skipped' | 'cancelled', reason: string): Promise<void> {
    const { seed } = start;
    const now = new Date();
    await this.db.$executeRaw`
      INSERT INTO "JobRun" (id, "jobName", status, trigger, source, actor, "requestId", payload, "maxAttempts",
        priority, "queuedAt", "finishedAt", "durationMs", "workerId", error, "updatedAt")
      VALUES (${start.runId}, ${start.jobName}, ${status}::"RunStatus", ${seed.trigger}::"RunTrigger", ${seed.source}, ${seed.actor},
        ${seed.requestId}, ${JSON.stringify(seed.payload ?? {})}::jsonb, ${start.maxAttempts}, ${seed.priority}::"JobPriority",
        ${seed.queuedAt}, ${now}, 0, ${start.workerId}, ${reason}, now())
      ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, "finishedAt" = EXCLUDED."finishedAt", error = EXCLUDED.error,
        "workerId" = EXCLUDED."workerId", "updatedAt" = now()
      WHERE "JobRun".status IN ('queued', 'retrying', 'running')`;
  }

  /** Records how an attempt ended; `completed`, `failed` and `cancelled` are final. */
  async attemptFinished(runId: string, finishedAt: Date, outcome: AttemptOutcome): Promise<void> {
    // Counters and phase reported just before the end travel with the final write.
    const pending = this.pendingProgress.get(runId);
    this.pendingProgress.delete(runId);
    const counters = pending?.counters ? JSON.stringify(pending.counters) : null;
    const phase = pending?.phase ?? null;
    const isFinal = outcome.status !== 'retrying';
    const error = outcome.status === 'completed' ? null : outcome.error;
    const stack = outcome.status === 'completed' ? null : outcome.stack;
    const result = outcome.status === 'completed' ? JSON.stringify(outcome.result ?? null) : null;
    const attemptPatch = JSON.stringify({ finishedAt: finishedAt.toISOString(), ...(error ? { error, trace: stack ?? undefined } : {}) });
    await this.db.$executeRaw`
      UPDATE "JobRun" SET
        status = ${outcome.status}::"RunStatus",
        result = COALESCE(${result}::jsonb, result),
        error = ${error},
        "errorStack" = ${stack},
        counters = COALESCE(${counters}::jsonb, counters),
        phase = COALESCE(${phase}, phase),
        progress = CASE WHEN ${outcome.status} = 'completed' THEN 100 ELSE progress END,
        "finishedAt" = CASE WHEN ${isFinal} THEN ${finishedAt}::timestamp ELSE NULL END,
        "durationMs" = CASE WHEN ${isFinal}
          THEN GREATEST(0, (EXTRACT(EPOCH FROM (${finishedAt}::timestamp - COALESCE("startedAt", ${finishedAt}::timestamp))) * 1000)::int)
          ELSE NULL END,
        attempts = CASE WHEN jsonb_array_length(attempts) = 0 THEN attempts
          ELSE jsonb_set(attempts, ARRAY[(jsonb_array_length(attempts) - 1)::text], (attempts -> -1) || ${attemptPatch}::jsonb) END,
        "updatedAt" = now()
      WHERE id = ${runId} AND status IN ('running', 'queued', 'retrying')`;
  }

  /** Progress, phase and counters are throttled: the latest value per run is written every few hundred ms. */
  progress(runId: string, update: { progress?: number; phase?: string | null; counters?: Record<string, number> }): void {
    const pending = this.pendingProgress.get(runId) ?? { progress: -1 };
    if (update.progress !== undefined) pending.progress = update.progress;
    if (update.phase !== undefined) pending.phase = update.phase;
    if (update.counters) pending.counters = update.counters;
    this.pendingProgress.set(runId, pending);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      for (const id of [...this.pendingProgress.keys()]) this.flushProgressOf(id);
    }, this.progressFlushMs);
  }

  async event(runId: string, attempt: number, kind: 'phase' | 'log', message: string, fields?: Record<string, unknown>, level = 'info'): Promise<void> {
    await this.db.runEvent
      .create({ data: { runId, attempt, kind, level, message: message.slice(0, 4_000), fields: fields ? (fields as object) : undefined } })
      .catch((error: unknown) => logger.warn({ err: error, runId }, 'could not record a run event'));
  }

  private flushProgressOf(runId: string): void {
    const pending = this.pendingProgress.get(runId);
    if (!pending) return;
    this.pendingProgress.delete(runId);
    const data: { progress?: number; phase?: string | null; counters?: object } = {};
    if (pending.progress >= 0) data.progress = Math.max(0, Math.min(100, Math.round(pending.progress)));
    if (pending.phase !== undefined) data.phase = pending.phase;
    if (pending.counters) data.counters = pending.counters;
    this.db.jobRun
      .updateMany({ where: { id: runId, status: 'running' }, data })
      .catch((error: unknown) => logger.warn({ err: error, runId }, 'could not record progress'));
  }

  close(): void {
    clearTimeout(this.flushTimer);
    for (const id of [...this.pendingProgress.keys()]) this.flushProgressOf(id);
  }
}
