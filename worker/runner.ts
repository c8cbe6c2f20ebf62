import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Db } from '@/lib/db.ts';
import { env } from '@/lib/env.ts';
import { createPgPool } from '@/lib/pg-pool.ts';
import { categories, type Category } from '@/lib/jobs/categories.ts';
import type { JobDefinition } from '@/lib/jobs/define-job.ts';
import { isWithinWindow } from '@/lib/jobs/schedule.ts';
import { dependentsOf } from '@/lib/jobs/validate-catalog.ts';
import { RedisLock } from '@/lib/locks/redis-lock.ts';
import { kickoffKeys } from '@/lib/redis-keys.ts';
import type { Logger } from 'pino';
import { logger } from '@/lib/logger.ts';
import { retryDelay } from '@/lib/queue/backoff.ts';
import { queueNameFor } from '@/lib/queue/names.ts';
import type { RunJobData } from '@/lib/queue/run-job-data.ts';
import type { ControlMessage } from '@/lib/runs/cancel-run.ts';
import { enqueueRun } from '@/lib/runs/enqueue-run.ts';
import { readSettings, refusalFor } from '@/lib/settings.ts';
import { runBatch } from './batch/run-batch.ts';
import type { JobHandler } from './define-handler.ts';
import { RunAbortedError, type RunContext } from './run-context.ts';
import { RunStatusWriter, type AttemptStart } from './status/run-status-writer.ts';

/** A child logger made on first use: most runs never log, and making one costs on the hot path. */
function lazyChild(make: () => Logger): Logger {
  let child: Logger | undefined;
  return new Proxy({} as Logger, {
    get: (_, property) => {
      child ??= make();
      const value = Reflect.get(child, property, child) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(child) : value;
    },
  });
}

/** What a handler reported, carried into the run's final write. */
interface RunReport {
  counters: Record<string, number>;
  phase: string | null;
}

export interface RunnerOptions {
  db: Db;
  /** Makes a new Redis connection; each BullMQ worker needs its own blocking connection. */
  connect: () => Redis;
  prefix: string;
  handlers: JobHandler[];
  /** Per-category concurrency overrides. Default: each category's own. */
  concurrency?: Partial<Record<Category, number>>;
  /** Only run these categories. Default: every category that has a handler. */
  only?: Category[];
  workerId?: string;
  /** Where run transitions are written. Default: DATABASE_URL. */
  databaseUrl?: string;
  /** How long BullMQ waits before a silent active job counts as stalled. Default: 30 s. */
  stalledIntervalMs?: number;
}

const configCacheMs = 1_000;

/** How often a waiting exclusive run looks again for its lock. */
const lockRetryMs = 1_000;

/**
 * Runs jobs: one BullMQ worker per category queue. Before a handler runs, a fire is checked
 * against the trigger settings, the job's window and condition, a cancel mark, and the job's
 * exclusive lock; every outcome is recorded through the status writer.
 */
export class Runner {
  readonly workerId: string;
  readonly statusWriter: RunStatusWriter;
  private readonly workers = new Map<Category, Worker<RunJobData>>();
  private readonly handlers = new Map<string, JobHandler>();
  private readonly active = new Map<string, AbortController>();
  private readonly configCache = new Map<string, { at: number; value: unknown }>();
  /** Cancels heard over pub/sub, kept a while for runs this worker is about to start. */
  private readonly recentlyCancelled = new Map<string, number>();
  private readonly redis: Redis;
  private readonly statusPool: pg.Pool;
  private subscriber: Redis | undefined;

  constructor(private readonly options: RunnerOptions) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`;
    this.statusPool = createPgPool(options.databaseUrl ?? env().DATABASE_URL);
    this.statusWriter = new RunStatusWriter(options.db, this.statusPool);
    for (const handler of options.handlers) this.handlers.set(handler.job.name, handler);
    this.redis = options.connect();
  }

  get activeRuns(): number {
    return this.active.size;
  }

  concurrency(): Record<string, number> {
    return Object.fromEntries([...this.workers].map(([category, worker]) => [category, worker.concurrency]));
  }

  async start(): Promise<void> {
    await this.listenForControl();
    const wanted = new Set<Category>([...this.handlers.values()].map((handler) => handler.job.category));
    for (const category of wanted) {
      if (this.options.only && !this.options.only.includes(category)) continue;
      // Two parameters: BullMQ then skips its own per-job abort controller; cancel and timeout use Kickoff's.
      const worker = new Worker<RunJobData>(queueNameFor(category), (job, token) => this.process(job, token), {
        connection: this.options.connect(),
        prefix: this.options.prefix,
        concurrency: this.options.concurrency?.[category] ?? categories[category].concurrency,
        stalledInterval: this.options.stalledIntervalMs ?? 30_000,
        lockDuration: this.options.stalledIntervalMs ?? 30_000,
        maxStalledCount: 2,
        settings: {
          backoffStrategy: (attemptsMade, type, error, job) =>
            retryDelay(type, Number((job?.opts.backoff as { delay?: number } | undefined)?.delay ?? 0), attemptsMade, error),
        },
      });
      worker.on('error', (error) => logger.warn({ err: error, category }, 'queue worker error'));
      this.workers.set(category, worker);
    }
  }

  /** Aborts a run this worker holds; returns false when it holds no such run. */
  cancel(runId: string): boolean {
    const controller = this.active.get(runId);
    if (!controller) return false;
    controller.abort(new RunAbortedError('cancelled', 'Cancelled'));
    return true;
  }

  /**
   * Stops taking work and waits for active runs up to `timeoutMs`; runs still going then are
   * abandoned to BullMQ's stalled-job recovery, which hands them to another worker.
   */
  async close(timeoutMs: number): Promise<void> {
    const graceful = Promise.all([...this.workers.values()].map((worker) => worker.close()));
    const timedOut = await Promise.race([
      graceful.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), timeoutMs).unref()),
    ]);
    if (timedOut) {
      logger.warn({ activeRuns: this.active.size }, 'shutdown grace period over; leaving active runs to another worker');
      await Promise.all([...this.workers.values()].map((worker) => worker.close(true)));
    }
    await this.statusWriter.close();
    await this.statusPool.end().catch(() => {});
    this.subscriber?.disconnect();
    this.redis.disconnect();
  }

  private async listenForControl(): Promise<void> {
    this.subscriber = this.options.connect();
    const channel = kickoffKeys.controlChannel(this.options.prefix);
    this.subscriber.on('message', (_channel: string, raw: string) => {
      try {
        const message = JSON.parse(raw) as ControlMessage;
        if (message.type !== 'cancel') return;
        this.recentlyCancelled.set(message.runId, Date.now());
        if (this.cancel(message.runId)) logger.info({ runId: message.runId }, 'run cancelled');
      } catch {
        logger.warn({ raw }, 'unreadable control message');
      }
    });
    await this.subscriber.subscribe(channel);
  }

  private async process(job: Job<RunJobData>, token: string | undefined, bullSignal?: AbortSignal): Promise<unknown> {
    const runId = job.id!;
    const handler = this.handlers.get(job.name);
    // A run BullMQ recovered from a stalled worker counts as a new attempt.
    const attempt = job.attemptsMade + 1 + (job.stalledCounter ?? 0);
    const maxAttempts = job.opts.attempts ?? 1;
    const log = lazyChild(() => logger.child({ runId, job: job.name, requestId: job.data.requestId ?? undefined, attempt }));
    const start: AttemptStart = {
      runId,
      jobName: job.name,
      attempt,
      maxAttempts,
      workerId: this.workerId,
      startedAt: new Date(),
      seed: {
        trigger: job.data.trigger,
        source: job.data.source ?? null,
        actor: job.data.actor ?? null,
        requestId: job.data.requestId ?? null,
        payload: job.data.payload,
        priority: handler?.job.priority ?? 'medium',
        queuedAt: new Date(job.timestamp),
      },
    };

    const gate = handler ? await this.gate(handler, job, start) : { go: true as const };
    if (!gate.go) {
      if (gate.outcome === 'wait') {
        // An exclusive run asked for by a person waits in the queue until the holder ends.
        await job.moveToDelayed(Date.now() + lockRetryMs, token);
        throw new DelayedError();
      }
      this.statusWriter.endedWithoutRunning(start, gate.outcome, gate.reason);
      log.info({ status: gate.outcome, reason: gate.reason }, 'run did not start');
      return null;
    }

    const lock = handler?.job.exclusive ? new RedisLock(this.redis, kickoffKeys.jobLock(this.options.prefix, job.name)) : null;
    const renewal = lock ? setInterval(() => void lock.renew(runId, handler!.job.exclusive!.lockTtlMs).catch(() => {}), handler!.job.exclusive!.lockTtlMs / 3) : null;
    const report: RunReport = { counters: {}, phase: null };
    try {
      this.statusWriter.attemptStarted(start);
      if (!handler) throw new UnrecoverableError(`No handler for job "${job.name}" in this worker`);
      const result = await this.execute(handler, job, runId, attempt, bullSignal, log, report);
      this.statusWriter.attemptFinished(start, new Date(), { status: 'completed', result }, report);
      if (this.hasDependents(handler.job)) {
        // Dependents must see this run completed: write it before they are queued.
        await this.statusWriter.flush();
        await this.enqueueDependents(handler.job, runId, log);
      }
      return result;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      const cancelled = err instanceof RunAbortedError && err.reason === 'cancelled';
      const final = cancelled || err instanceof UnrecoverableError || job.attemptsMade + 1 >= maxAttempts;
      const status = cancelled ? 'cancelled' : final ? 'failed' : 'retrying';
      this.statusWriter.attemptFinished(start, new Date(), { status, error: err.message, stack: err.stack ?? null }, report);
      log.info({ status, err: err.message }, 'attempt ended with an error');
      // A cancelled or unrecoverable run must not be retried by BullMQ.
      if (final && !(err instanceof UnrecoverableError)) throw new UnrecoverableError(err.message);
      throw err;
    } finally {
      if (renewal) clearInterval(renewal);
      await lock?.release(runId).catch(() => {});
    }
  }

  /** Whether a fire may run now; takes the exclusive lock when it may. */
  private async gate(
    handler: JobHandler,
    job: Job<RunJobData>,
    start: AttemptStart,
  ): Promise<{ go: true } | { go: false; outcome: 'skipped' | 'cancelled' | 'wait'; reason: string }> {
    const definition = handler.job;
    const scheduled = job.data.trigger === 'schedule';
    if (await this.wasCancelled(job)) return { go: false, outcome: 'cancelled', reason: 'Cancelled before it started' };
    if (scheduled) {
      const refusal = refusalFor(await readSettings(this.options.db), 'schedule');
      if (refusal) return { go: false, outcome: 'skipped', reason: refusal };
      if (definition.window && !isWithinWindow(definition.window, start.startedAt)) {
        return { go: false, outcome: 'skipped', reason: `Outside its window (hours ${definition.window.hours}, ${definition.window.tz})` };
      }
      if (handler.condition) {
        const verdict = await handler.condition({ config: await this.loadConfig(definition), now: start.startedAt });
        if (verdict !== true) return { go: false, outcome: 'skipped', reason: typeof verdict === 'string' ? verdict : 'Its condition did not hold' };
      }
    }
    if (definition.exclusive) {
      const lock = new RedisLock(this.redis, kickoffKeys.jobLock(this.options.prefix, definition.name));
      const taken = await lock.acquire(start.runId, definition.exclusive.lockTtlMs);
      if (!taken.acquired && taken.holder !== start.runId) {
        return scheduled
          ? { go: false, outcome: 'skipped', reason: `Already running (run ${taken.holder})` }
          : { go: false, outcome: 'wait', reason: 'waiting for the exclusive lock' };
      }
    }
    return { go: true };
  }

  /**
   * A cancel heard over pub/sub covers a run that became active as it was cancelled; the
   * Redis mark covers a run coming back after a stall or a retry, when this worker may not
   * have been listening. Only those pay the extra Redis round trip.
   */
  private async wasCancelled(job: Job<RunJobData>): Promise<boolean> {
    const now = Date.now();
    for (const [runId, at] of this.recentlyCancelled) if (now - at > 60_000) this.recentlyCancelled.delete(runId);
    if (this.recentlyCancelled.has(job.id!)) return true;
    if (job.attemptsMade === 0 && !job.stalledCounter) return false;
    return (await this.redis.exists(kickoffKeys.cancelled(this.options.prefix, job.id!))) === 1;
  }

  private hasDependents(definition: JobDefinition): boolean {
    return [...this.handlers.values()].some((handler) => handler.job.dependsOn.includes(definition.name));
  }

  private async enqueueDependents(definition: JobDefinition, runId: string, log: typeof logger): Promise<void> {
    const jobs = [...this.handlers.values()].map((handler) => handler.job);
    for (const dependent of dependentsOf(jobs, definition.name)) {
      try {
        const { run } = await enqueueRun(dependent.name, { trigger: 'dependency', causedBy: runId, actor: `dependency:${definition.name}`, source: definition.name });
        log.info({ dependent: dependent.name, dependentRunId: run.id }, 'dependent run queued');
      } catch (error) {
        log.warn({ err: error, dependent: dependent.name }, 'could not queue a dependent run');
      }
    }
  }

  private async execute(
    handler: JobHandler,
    job: Job<RunJobData>,
    runId: string,
    attempt: number,
    bullSignal: AbortSignal | undefined,
    log: typeof logger,
    report: RunReport,
  ): Promise<unknown> {
    const definition: JobDefinition = handler.job;
    const payload = definition.payload.safeParse(job.data.payload);
    if (!payload.success) {
      throw new UnrecoverableError(
        `Payload does not fit the job's schema: ${payload.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      );
    }
    const config = await this.loadConfig(definition);

    const controller = new AbortController();
    this.active.set(runId, controller);
    const timeout = setTimeout(
      () => controller.abort(new RunAbortedError('timeout', `Timed out after ${definition.timeoutMs} ms`)),
      definition.timeoutMs,
    );
    const onBullAbort = () => controller.abort(new RunAbortedError('cancelled', 'Cancelled'));
    bullSignal?.addEventListener('abort', onBullAbort, { once: true });

    const counters = report.counters;
    const writer = this.statusWriter;
    const ctx: RunContext = {
      runId,
      jobName: definition.name,
      attempt,
      payload: payload.data,
      config,
      signal: controller.signal,
      logger: log,
      async phase(name, fn) {
        report.phase = name;
        writer.progress(runId, { phase: name });
        writer.event(runId, attempt, 'phase', `${name} started`, { phase: name, state: 'started' });
        const phaseStart = Date.now();
        try {
          const value = await fn();
          writer.event(runId, attempt, 'phase', `${name} finished`, { phase: name, state: 'finished', durationMs: Date.now() - phaseStart });
          return value;
        } catch (error) {
          writer.event(runId, attempt, 'phase', `${name} failed`, { phase: name, state: 'failed', durationMs: Date.now() - phaseStart }, 'error');
          throw error;
        }
      },
      progress(percent) {
        writer.progress(runId, { progress: percent });
      },
      log(message, fields) {
        writer.event(runId, attempt, 'log', message, fields);
      },
      count(name, n = 1) {
        counters[name] = (counters[name] ?? 0) + n;
        writer.progress(runId, { counters: { ...counters } });
      },
      batch: (items, options, fn) =>
        runBatch(items, options, fn, {
          redis: this.redis,
          prefix: this.options.prefix,
          jobName: definition.name,
          signal: controller.signal,
          onProgress: (done, total) => ctx.progress((done / total) * 100),
          count: (name, n) => ctx.count(name, n),
        }),
    };

    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    aborted.catch(() => {}); // only the race reads it
    try {
      return await Promise.race([handler.run(ctx), aborted]);
    } finally {
      clearTimeout(timeout);
      bullSignal?.removeEventListener('abort', onBullAbort);
      this.active.delete(runId);
    }
  }

  /** A job's config, read from PostgreSQL at most once a second per job (runs start often; edits are rare). */
  private async loadConfig(definition: JobDefinition): Promise<unknown> {
    const cached = this.configCache.get(definition.name);
    if (cached && Date.now() - cached.at < configCacheMs) return cached.value;
    try {
      const row = await this.options.db.jobDefinition.findUnique({ where: { name: definition.name }, select: { config: true } });
      const parsed = definition.config.safeParse(row?.config ?? {});
      const value = parsed.success ? parsed.data : definition.config.parse({});
      this.configCache.set(definition.name, { at: Date.now(), value });
      return value;
    } catch (error) {
      // PostgreSQL is away: jobs keep running on the config they last had (or the defaults).
      logger.warn({ err: error instanceof Error ? error.message.split('\n').at(-1) : String(error), job: definition.name }, 'config not readable; using the last known');
      return cached?.value ?? definition.config.parse({});
    }
  }
}
