import type { Db } from '@/lib/db.ts';
import { findJob } from '@/lib/jobs/catalog.ts';
import type { JobDefinition } from '@/lib/jobs/define-job.ts';
import { repairableStatuses } from '@/lib/jobs/run-state.ts';
import { backoffFor, retryDelay } from '@/lib/queue/backoff.ts';
import { enqueueRuns, type RunToEnqueue } from '@/lib/queue/enqueue-runs.ts';
import { markRequeued, repairFromQueue } from '@/lib/runs/run-store.ts';
import { RedisLock } from '@/lib/locks/redis-lock.ts';
import { kickoffKeys } from '@/lib/redis-keys.ts';
import { logger } from '@/lib/logger.ts';
import type { QueueSet } from '@/lib/queue/queues.ts';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';

export interface ReconcilerOptions {
  db: Db;
  queues: QueueSet;
  redis: Redis;
  owner: string;
  /** Rows untouched for this long are checked against BullMQ. Default: 60 s. */
  staleAfterMs?: number;
  /** How often to check the stale rows. Default: 30 s. */
  intervalMs?: number;
  /** How often to look whether Redis has lost its data (one GET). Default: 5 s, or `intervalMs` if shorter. */
  watchMs?: number;
  /**
   * No row younger than this is touched, however it looks: the run pipeline writes a row before
   * it adds its BullMQ job, so a young row without a job may be mid-add. Default: 10 s.
   */
  floorMs?: number;
  /**
   * A running run whose worker sent a heartbeat this recently is left to that worker: its
   * handler is still going (or its result is on the way to PostgreSQL) even if Redis forgot its
   * job. Default: 20 s (heartbeats come every 5 s).
   */
  workerAliveMs?: number;
}

export interface ReconcileResult {
  checked: number;
  /** Put back on their queues from their rows (Redis no longer had their jobs). */
  requeued: number;
  failed: number;
  completed: number;
  /** Jobs gone with a cancel's mark: taken off on purpose, ended `cancelled`. */
  cancelled: number;
}

const nothing = (): ReconcileResult => ({ checked: 0, requeued: 0, failed: 0, completed: 0, cancelled: 0 });

/** Rows read per page; a pass goes through every page. */
const pageSize = 500;
/** Redis round trips in flight at once while checking a page. */
const parallelChecks = 50;

type Row = Awaited<ReturnType<typeof readPage>>[number];
type UnfinishedStatus = (typeof repairableStatuses)[number];

/**
 * Holds PostgreSQL's run rows and BullMQ's jobs together. PostgreSQL is the truth for work
 * not yet finished: a row left `queued`, `running` or `retrying` is checked against its job —
 *
 * - the job finished without the row hearing of it (a crash before the status was written):
 *   the row takes BullMQ's outcome;
 * - the job is gone (Redis lost its data, a key was evicted, a job was removed by hand): the
 *   run is put back on its queue from the row — same run id, payload and priority, a running
 *   or retrying one as its next attempt — once, with a note on its timeline. Not when the job
 *   was taken off on purpose (a cancel's mark: ended `cancelled`), when the run had used all its
 *   attempts (ended `failed`, with the reason), when its job is no longer in the catalog
 *   (`failed`), or while the worker running it is alive (it records the outcome itself);
 * - the job is waiting, delayed (held while paused, waiting for an exclusive holder, a retry's
 *   backoff) or active: BullMQ has it, nothing to do (a dead worker's active runs come back
 *   through BullMQ's stalled-job recovery).
 *
 * Which rows: those untouched for `staleAfterMs`, checked every `intervalMs`; and, as soon as
 * Redis is seen to have lost its data (Kickoff's mark in it is gone; checked every `watchMs`),
 * every unfinished row last touched before that, whatever its age. Never a row younger than
 * `floorMs`. One worker reconciles at a time (a Redis lock).
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private lastPassAt = 0;
  private readonly staleAfterMs: number;
  private readonly intervalMs: number;
  private readonly watchMs: number;
  private readonly floorMs: number;
  private readonly workerAliveMs: number;

  constructor(private readonly options: ReconcilerOptions) {
    this.staleAfterMs = options.staleAfterMs ?? 60_000;
    this.intervalMs = options.intervalMs ?? 30_000;
    this.watchMs = Math.min(options.watchMs ?? 5_000, this.intervalMs);
    this.floorMs = options.floorMs ?? 10_000;
    this.workerAliveMs = options.workerAliveMs ?? 20_000;
  }

  private get markKey(): string {
    return kickoffKeys.reconcilerMark(this.options.queues.prefix);
  }

  start(): void {
    this.timer = setInterval(() => void this.tick().catch((error: unknown) => logger.warn({ err: error }, 'reconcile failed')), this.watchMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A pass when one is due, or at once while Redis has just lost its data. */
  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      // Redis away: the pass due says so, every interval; the watch stays quiet.
      if (Date.now() - this.lastPassAt >= this.intervalMs || (await this.recovering().catch(() => false))) await this.runOnce();
    } finally {
      this.busy = false;
    }
  }

  /**
   * Whether Redis lost its data lately: the mark is gone, or was set again so recently that rows
   * younger than the floor then have not all been looked at since.
   */
  private async recovering(): Promise<boolean> {
    const mark = await this.options.redis.get(this.markKey);
    return mark === null || Date.now() - Number(mark) < this.floorMs + 2 * this.watchMs;
  }

  async runOnce(): Promise<ReconcileResult> {
    this.lastPassAt = Date.now();
    const lock = new RedisLock(this.options.redis, kickoffKeys.reconcilerLock(this.options.queues.prefix));
    const outcome = await lock.withLock(this.options.owner, 60_000, () => this.reconcile());
    return outcome.ran ? outcome.value : nothing();
  }

  /** When this Redis was found without Kickoff's mark (now, if it has none: then it is set). */
  private async forgottenAt(): Promise<number> {
    const mark = Number(await this.options.redis.get(this.markKey));
    if (mark > 0) return mark;
    const now = Date.now();
    await this.options.redis.set(this.markKey, String(now), 'NX');
    logger.info('Redis has no reconciler mark (a new Redis, or one that lost its data): checking every unfinished run against the queues');
    return now;
  }

  private async reconcile(): Promise<ReconcileResult> {
    const forgottenAt = await this.forgottenAt();
    const now = Date.now();
    const before = new Date(Math.min(now - this.floorMs, Math.max(now - this.staleAfterMs, forgottenAt)));
    const result = nothing();
    const requeued: string[] = [];
    let after: { updatedAt: Date; id: string } | undefined;
    for (;;) {
      const rows = await readPage(this.options.db, before, after);
      if (rows.length === 0) break;
      after = rows.at(-1)!;
      result.checked += rows.length;
      await this.reconcilePage(rows, result, requeued);
      if (rows.length < pageSize) break;
    }
    if (result.requeued > 0) {
      logger.warn({ requeued: result.requeued, runs: requeued.slice(0, 50) }, 'put runs back on their queues from PostgreSQL: Redis no longer had them');
    }
    if (result.failed + result.completed + result.cancelled > 0) {
      logger.warn({ failed: result.failed, completed: result.completed, cancelled: result.cancelled }, 'reconciled runs the queue had finished or lost');
    }
    return result;
  }

  private async reconcilePage(rows: Row[], result: ReconcileResult, requeuedIds: string[]): Promise<void> {
    const { db, queues, redis } = this.options;
    const jobs = new Map<string, Job>();
    const states = new Map<string, string>();
    for (let start = 0; start < rows.length; start += parallelChecks) {
      await Promise.all(
        rows.slice(start, start + parallelChecks).map(async (row) => {
          const definition = findJob(row.jobName);
          const job = definition ? await queues.for(definition.category).getJob(row.id) : undefined;
          if (job) jobs.set(row.id, job);
          // No job data (never added, removed, evicted), or data in no list of the queue: gone either way.
          states.set(row.id, job ? await job.getState() : 'unknown');
        }),
      );
    }
    const missing = rows.filter((row) => states.get(row.id) === 'unknown');
    const alive = await this.aliveWorkers(missing);
    const toQueue: RunToEnqueue[] = [];
    const now = new Date();
    for (const row of rows) {
      const state = states.get(row.id);
      const definition = findJob(row.jobName);
      const job = jobs.get(row.id);
      if (job && (state === 'completed' || state === 'failed')) {
        const verdict =
          state === 'completed'
            ? { status: 'completed' as const, finishedAt: job.finishedOn ? new Date(job.finishedOn) : now, result: job.returnvalue }
            : { status: 'failed' as const, finishedAt: now, error: `Failed in the queue without the run hearing of it: ${job.failedReason}` };
        if (await repairFromQueue(row.id, verdict, db)) result[verdict.status] += 1;
        continue;
      }
      if (state !== 'unknown') continue; // BullMQ has it: waiting, delayed, prioritized or active
      if (!definition) {
        if (await repairFromQueue(row.id, { status: 'failed', finishedAt: now, error: `Lost: job "${row.jobName}" is no longer in the catalog` }, db)) result.failed += 1;
        continue;
      }
      // Its worker is alive: the attempt is still going, or its outcome is on the way.
      if (row.status === 'running' && row.workerId && alive.has(row.workerId)) continue;
      if ((await redis.exists(kickoffKeys.cancelled(queues.prefix, row.id))) === 1) {
        if (await repairFromQueue(row.id, { status: 'cancelled', finishedAt: now, error: 'Cancelled (its job was taken off the queue)' }, db)) result.cancelled += 1;
        continue;
      }
      const maxAttempts = definition.retry.attempts;
      if (row.attempt >= maxAttempts) {
        const error = `Lost: the queue no longer has this run (Redis lost it or it was removed) and it had used all its ${maxAttempts} attempt${maxAttempts === 1 ? '' : 's'}`;
        if (await repairFromQueue(row.id, { status: 'failed', finishedAt: now, error }, db)) result.failed += 1;
        continue;
      }
      const entry = requeueEntry(row, definition, now);
      if (!(await markRequeued(row, entry.note, db))) continue; // moved on meanwhile
      // Job data left in no list would make the add a no-op (BullMQ keeps an id it has): clear it first.
      if (job) await job.remove().catch((error: unknown) => logger.warn({ err: error, runId: row.id }, 'could not clear the orphaned job data of a run put back'));
      toQueue.push(entry);
    }
    if (toQueue.length === 0) return;
    // The rows say so first, then the jobs are added: a row that moved on is never queued again.
    await enqueueRuns(toQueue, queues);
    result.requeued += toQueue.length;
    requeuedIds.push(...toQueue.map((entry) => entry.run.id));
  }

  /** The workers, among those of these rows, that sent a heartbeat lately and have not stopped. */
  private async aliveWorkers(rows: Row[]): Promise<Set<string>> {
    const ids = [...new Set(rows.filter((row) => row.status === 'running' && row.workerId).map((row) => row.workerId!))];
    if (ids.length === 0) return new Set();
    const workers = await this.options.db.workerHeartbeat.findMany({
      where: { id: { in: ids }, stoppedAt: null, lastSeenAt: { gte: new Date(Date.now() - this.workerAliveMs) } },
      select: { id: true },
    });
    return new Set(workers.map((worker) => worker.id));
  }
}

async function readPage(db: Db, before: Date, after: { updatedAt: Date; id: string } | undefined) {
  const rows = await db.jobRun.findMany({
    where: {
      status: { in: [...repairableStatuses] },
      // An unfinished run has no finishedAt; saying so lets the planner use the unfinished runs' (updatedAt, id) index.
      finishedAt: null,
      updatedAt: { lt: before },
      ...(after ? { OR: [{ updatedAt: { gt: after.updatedAt } }, { updatedAt: after.updatedAt, id: { gt: after.id } }] } : {}),
    },
    select: { id: true, jobName: true, status: true, attempt: true, updatedAt: true, workerId: true, trigger: true, source: true, actor: true, requestId: true, payload: true },
    orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }],
    take: pageSize,
  });
  return rows.map((row) => ({ ...row, status: row.status as UnfinishedStatus }));
}

/**
 * The BullMQ job a run goes back on its queue as: a queued run as it was; a running one (its
 * attempt lost with Redis) as its next attempt at once, as after a crash; a retrying one as its
 * next attempt when the rest of its backoff has passed.
 */
function requeueEntry(row: Row, job: JobDefinition, now: Date): RunToEnqueue & { note: string } {
  const next = row.attempt + 1;
  const backoff = backoffFor(job.retry);
  const delayMs = row.status === 'retrying' && backoff ? retryDelay(backoff.type, backoff.delay ?? 0, row.attempt) - (now.getTime() - row.updatedAt.getTime()) : 0;
  const note =
    row.status === 'queued'
      ? 'Put back on its queue: Redis no longer had it'
      : row.status === 'running'
        ? `Attempt ${row.attempt} was lost with Redis (Redis no longer had this run): put back on its queue for attempt ${next}`
        : `Put back on its queue for attempt ${next}: Redis no longer had it`;
  return {
    job,
    run: { id: row.id, payload: row.payload, trigger: row.trigger, source: row.source, actor: row.actor, requestId: row.requestId },
    attemptsBefore: row.attempt,
    delayMs: Math.max(0, delayMs),
    note,
  };
}
