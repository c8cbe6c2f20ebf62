import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DelayedError, UnrecoverableError, type Job, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '@/lib/db.ts';
import type { JobDefinition } from '@/lib/jobs/define-job.ts';
import { categories, type Category } from '@/lib/jobs/categories.ts';
import { failedAttemptOutcome } from '@/lib/jobs/run-state.ts';
import { logger } from '@/lib/logger.ts';
import { triesBefore, type RunJobData } from '@/lib/queue/run-job-data.ts';
import { afterSuccess } from './after-success.ts';
import { BullMirror } from './bull-mirror.ts';
import { CancelChannel } from './cancel-channel.ts';
import { closeCategoryWorkers, startCategoryWorker } from './category-worker.ts';
import type { JobHandler } from './define-handler.ts';
import { JobStateCache } from './job-state-cache.ts';
import { lazyChild } from './lazy-logger.ts';
import { makeRunContext, type RunReport } from './make-run-context.ts';
import { RunAbortedError } from './run-context.ts';
import { runWithDeadline } from './run-deadline.ts';
import { RunGate } from './run-gate.ts';
import { attemptStartOf, type RunStatusWriter } from './status/run-status-writer.ts';

export interface RunnerOptions {
  db: Db;
  /** Makes a new Redis connection; each BullMQ worker needs its own blocking connection. */
  connect: () => Redis;
  prefix: string;
  handlers: readonly JobHandler[];
  statusWriter: RunStatusWriter;
  workerId?: string;
  /** Per-category concurrency overrides. Default: each category's own. */
  concurrency?: Partial<Record<Category, number>>;
  /** Only run these categories. Default: every category that has a handler. */
  only?: Category[];
  /** How long BullMQ waits before a silent active job counts as stalled. Default: 30 s. */
  stalledIntervalMs?: number;
}

/**
 * Runs jobs: one BullMQ worker per category queue. Each run passes the gate (worker/run-gate.ts),
 * runs its handler within its deadline, and every outcome goes to the status writer; a success
 * queues the job's dependents and revalidates its cache tags.
 */
export class Runner {
  readonly workerId: string;
  private readonly workers = new Map<Category, Worker<RunJobData>>();
  private readonly handlers: Map<string, JobHandler>;
  private readonly jobs: JobDefinition[];
  private readonly active = new Map<string, AbortController>();
  private readonly redis: Redis;
  private readonly cancels: CancelChannel;
  private readonly gate: RunGate;
  private readonly mirror = new BullMirror();

  constructor(private readonly options: RunnerOptions) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`;
    this.handlers = new Map(options.handlers.map((handler) => [handler.job.name, handler]));
    this.jobs = options.handlers.map((handler) => handler.job);
    this.redis = options.connect();
    this.cancels = new CancelChannel(options.connect, this.redis, options.prefix, (runId) => this.abort(runId));
    this.gate = new RunGate({ db: options.db, redis: this.redis, prefix: options.prefix, cancels: this.cancels, jobStates: new JobStateCache(options.db) });
  }

  get activeRuns(): number {
    return this.active.size;
  }

  concurrency(): Record<string, number> {
    return Object.fromEntries([...this.workers].map(([category, worker]) => [category, worker.concurrency]));
  }

  async start(): Promise<void> {
    await this.cancels.start();
    for (const category of new Set([...this.handlers.values()].map((handler) => handler.job.category))) {
      if (this.options.only && !this.options.only.includes(category)) continue;
      const worker = startCategoryWorker(category, (job, token) => this.process(job, token), {
        connection: this.options.connect(),
        prefix: this.options.prefix,
        concurrency: this.options.concurrency?.[category] ?? categories[category].concurrency,
        stalledIntervalMs: this.options.stalledIntervalMs ?? 30_000,
      });
      this.workers.set(category, worker);
    }
  }

  /** Aborts a run this worker holds; false when it holds no such run. */
  abort(runId: string): boolean {
    const controller = this.active.get(runId);
    controller?.abort(new RunAbortedError('cancelled', 'Cancelled'));
    return controller !== undefined;
  }

  /** Stops taking work and lets active runs finish for up to `timeoutMs` (see `closeCategoryWorkers`). */
  async close(timeoutMs: number): Promise<void> {
    await closeCategoryWorkers([...this.workers.values()], timeoutMs, () => this.active.size);
    await this.mirror.close();
    this.cancels.stop();
    this.redis.disconnect();
  }

  private async process(job: Job<RunJobData>, token: string | undefined): Promise<unknown> {
    const handler = this.handlers.get(job.name);
    const writer = this.options.statusWriter;
    const start = attemptStartOf(job, handler?.job, this.workerId);
    const log = lazyChild(() => logger.child({ runId: start.runId, job: job.name, requestId: job.data.requestId ?? undefined, attempt: start.attempt }));
    const gate = await this.gate.check(job, handler, start.startedAt);
    if (gate.kind === 'later') {
      await job.moveToDelayed(Date.now() + gate.delayMs, token);
      throw new DelayedError();
    }
    if (gate.kind === 'end') {
      writer.endedWithoutRunning(start, gate.status, gate.reason);
      log.info({ status: gate.status, reason: gate.reason }, 'run did not start');
      return null;
    }

    const definition = handler?.job;
    const stopRenewal = gate.lock?.keepAlive(start.runId, definition?.exclusive?.lockTtlMs ?? 0);
    const report: RunReport = { counters: {}, phase: null };
    const controller = new AbortController();
    this.active.set(start.runId, controller);
    try {
      writer.attemptStarted(start);
      if (!handler || !definition) throw new UnrecoverableError(`No handler for job "${job.name}" in this worker`);
      if (gate.payloadError) throw new UnrecoverableError(gate.payloadError);
      const ctx = makeRunContext({ job, definition, attempt: start.attempt, payload: gate.payload, config: gate.config, signal: controller.signal, logger: log, report, writer, mirror: this.mirror, redis: this.redis, prefix: this.options.prefix });
      const result = await runWithDeadline(() => handler.run(ctx), controller, definition.timeoutMs);
      writer.attemptFinished(start, new Date(), { status: 'completed', result }, report);
      await afterSuccess(this.jobs, definition, start.runId, writer, log);
      await this.mirror.finish(job, true);
      return result;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      const unrecoverable = err instanceof UnrecoverableError;
      const status = failedAttemptOutcome({ cancelled: err instanceof RunAbortedError && err.reason === 'cancelled', unrecoverable, triesUsed: triesBefore(job) + 1, maxAttempts: start.maxAttempts });
      writer.attemptFinished(start, new Date(), { status, error: err.message, stack: err.stack ?? null }, report);
      log.info({ status, err: err.message }, 'attempt ended with an error');
      await this.mirror.finish(job, false);
      // A cancelled or finally failed run must not be retried by BullMQ.
      if (status !== 'retrying' && !unrecoverable) throw new UnrecoverableError(err.message);
      throw err;
    } finally {
      this.active.delete(start.runId);
      stopRenewal?.();
      await gate.lock?.release(start.runId).catch(() => {});
    }
  }
}
