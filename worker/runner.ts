import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '@/lib/db.ts';
import { categories, type Category } from '@/lib/jobs/categories.ts';
import { failedAttemptOutcome } from '@/lib/jobs/run-state.ts';
import { logger } from '@/lib/logger.ts';
import { retryDelay } from '@/lib/queue/backoff.ts';
import { queueNameFor } from '@/lib/queue/names.ts';
import type { RunJobData } from '@/lib/queue/run-job-data.ts';
import { BullMirror } from './bull-mirror.ts';
import { CancelChannel } from './cancel-channel.ts';
import type { JobHandler } from './define-handler.ts';
import { queueDependents } from './dependents.ts';
import { JobStateCache } from './job-state-cache.ts';
import { lazyChild } from './lazy-logger.ts';
import { makeRunContext, type RunReport } from './make-run-context.ts';
import { RunAbortedError } from './run-context.ts';
import { runWithDeadline } from './run-deadline.ts';
import { RunGate } from './run-gate.ts';
import { revalidateWebTags } from './revalidate-web-tags.ts';
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
  private readonly active = new Map<string, AbortController>();
  private readonly redis: Redis;
  private readonly cancels: CancelChannel;
  private readonly gate: RunGate;
  private readonly mirror = new BullMirror();

  constructor(private readonly options: RunnerOptions) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`;
    this.handlers = new Map(options.handlers.map((handler) => [handler.job.name, handler]));
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
      // Two parameters: BullMQ then skips its own per-job abort controller; cancel and timeout use Kickoff's.
      const worker = new Worker<RunJobData>(queueNameFor(category), (job, token) => this.process(job, token), {
        connection: this.options.connect(),
        prefix: this.options.prefix,
        concurrency: this.options.concurrency?.[category] ?? categories[category].concurrency,
        stalledInterval: this.options.stalledIntervalMs ?? 30_000,
        lockDuration: this.options.stalledIntervalMs ?? 30_000,
        maxStalledCount: 2,
        settings: { backoffStrategy: (attemptsMade, type, error, job) => retryDelay(type, Number((job?.opts.backoff as { delay?: number } | undefined)?.delay ?? 0), attemptsMade, error) },
      });
      worker.on('error', (error) => logger.warn({ err: error, category }, 'queue worker error'));
      this.workers.set(category, worker);
    }
  }

  /** Aborts a run this worker holds; false when it holds no such run. */
  abort(runId: string): boolean {
    const controller = this.active.get(runId);
    controller?.abort(new RunAbortedError('cancelled', 'Cancelled'));
    return controller !== undefined;
  }

  /**
   * Stops taking work and waits for active runs up to `timeoutMs`; runs still going then are
   * abandoned to BullMQ's stalled-job recovery, which hands them to another worker.
   */
  async close(timeoutMs: number): Promise<void> {
    const graceful = Promise.all([...this.workers.values()].map((worker) => worker.close()));
    const timedOut = await Promise.race([graceful.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), timeoutMs).unref())]);
    if (timedOut) {
      logger.warn({ activeRuns: this.active.size }, 'shutdown grace period over; leaving active runs to another worker');
      await Promise.all([...this.workers.values()].map((worker) => worker.close(true)));
    }
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
    const lockTtlMs = definition?.exclusive?.lockTtlMs ?? 0;
    const renewal = gate.lock ? setInterval(() => void gate.lock!.renew(start.runId, lockTtlMs).catch(() => {}), lockTtlMs / 3) : null;
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
      await this.afterSuccess(definition, start.runId, log);
      await this.mirror.finish(job, true);
      return result;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      const unrecoverable = err instanceof UnrecoverableError;
      const status = failedAttemptOutcome({ cancelled: err instanceof RunAbortedError && err.reason === 'cancelled', unrecoverable, triesUsed: job.attemptsMade + 1, maxAttempts: start.maxAttempts });
      writer.attemptFinished(start, new Date(), { status, error: err.message, stack: err.stack ?? null }, report);
      log.info({ status, err: err.message }, 'attempt ended with an error');
      await this.mirror.finish(job, false);
      // A cancelled or finally failed run must not be retried by BullMQ.
      if (status !== 'retrying' && !unrecoverable) throw new UnrecoverableError(err.message);
      throw err;
    } finally {
      this.active.delete(start.runId);
      if (renewal) clearInterval(renewal);
      await gate.lock?.release(start.runId).catch(() => {});
    }
  }

  /** Dependents must see this run completed: it is written before they are queued. */
  private async afterSuccess(definition: JobHandler['job'], runId: string, log: typeof logger): Promise<void> {
    const jobs = [...this.handlers.values()].map((handler) => handler.job);
    const hasDependents = jobs.some((job) => job.dependsOn.includes(definition.name));
    if (!hasDependents && definition.cacheTags.length === 0) return;
    await this.options.statusWriter.flush();
    if (hasDependents) await queueDependents(jobs, definition, runId, log).catch((error: unknown) => log.warn({ err: error }, 'could not queue dependents'));
    if (definition.cacheTags.length > 0) {
      const web = await revalidateWebTags(definition.cacheTags);
      if (!web.ok) log.warn({ err: web.error, tags: definition.cacheTags }, 'web cache tags not revalidated');
    }
  }
}
