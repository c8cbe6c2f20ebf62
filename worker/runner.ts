import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '@/lib/db.ts';
import { categories, type Category } from '@/lib/jobs/categories.ts';
import type { JobDefinition } from '@/lib/jobs/define-job.ts';
import { logger } from '@/lib/logger.ts';
import { queueNameFor } from '@/lib/queue/names.ts';
import type { RunJobData } from '@/lib/queue/run-job-data.ts';
import type { JobHandler } from './define-handler.ts';
import { RunAbortedError, type RunContext } from './run-context.ts';
import { RunStatusWriter } from './status/run-status-writer.ts';

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
}

/** Runs jobs: one BullMQ worker per category queue, each run recorded through the status writer. */
export class Runner {
  readonly workerId: string;
  readonly statusWriter: RunStatusWriter;
  private readonly workers = new Map<Category, Worker<RunJobData>>();
  private readonly handlers = new Map<string, JobHandler>();
  private readonly active = new Map<string, AbortController>();

  constructor(private readonly options: RunnerOptions) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`;
    this.statusWriter = new RunStatusWriter(options.db);
    for (const handler of options.handlers) this.handlers.set(handler.job.name, handler);
  }

  get activeRuns(): number {
    return this.active.size;
  }

  concurrency(): Record<string, number> {
    return Object.fromEntries([...this.workers].map(([category, worker]) => [category, worker.concurrency]));
  }

  start(): void {
    const wanted = new Set<Category>([...this.handlers.values()].map((handler) => handler.job.category));
    for (const category of wanted) {
      if (this.options.only && !this.options.only.includes(category)) continue;
      const worker = new Worker<RunJobData>(queueNameFor(category), (job, token, signal) => this.process(job, signal), {
        connection: this.options.connect(),
        prefix: this.options.prefix,
        concurrency: this.options.concurrency?.[category] ?? categories[category].concurrency,
        stalledInterval: 30_000,
        maxStalledCount: 2,
        lockDuration: 30_000,
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
    this.statusWriter.close();
  }

  private async process(job: Job<RunJobData>, bullSignal?: AbortSignal): Promise<unknown> {
    const runId = job.id!;
    const handler = this.handlers.get(job.name);
    const attempt = job.attemptsMade + 1;
    const maxAttempts = job.opts.attempts ?? 1;
    const log = logger.child({ runId, job: job.name, requestId: job.data.requestId ?? undefined, attempt });
    const startedAt = new Date();

    const mayStart = await this.statusWriter.attemptStarted({
      runId,
      jobName: job.name,
      attempt,
      maxAttempts,
      workerId: this.workerId,
      startedAt,
      seed: {
        trigger: job.data.trigger,
        source: job.data.source ?? null,
        actor: job.data.actor ?? null,
        requestId: job.data.requestId ?? null,
        payload: job.data.payload,
        priority: handler?.job.priority ?? 'medium',
        queuedAt: new Date(job.timestamp),
      },
    });
    if (!mayStart) {
      log.info('run was cancelled or finished before it started; skipping');
      return null;
    }

    try {
      if (!handler) throw new UnrecoverableError(`No handler for job "${job.name}" in this worker`);
      const result = await this.execute(handler, job, runId, attempt, bullSignal, log);
      await this.statusWriter.attemptFinished(runId, new Date(), { status: 'completed', result });
      return result;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      const cancelled = err instanceof RunAbortedError && err.reason === 'cancelled';
      const final = cancelled || err instanceof UnrecoverableError || attempt >= maxAttempts;
      const status = cancelled ? 'cancelled' : final ? 'failed' : 'retrying';
      await this.statusWriter.attemptFinished(runId, new Date(), { status, error: err.message, stack: err.stack ?? null });
      log.info({ status, err: err.message }, 'attempt ended with an error');
      // A cancelled or unrecoverable run must not be retried by BullMQ.
      if (final && !(err instanceof UnrecoverableError)) throw new UnrecoverableError(err.message);
      throw err;
    }
  }

  private async execute(
    handler: JobHandler,
    job: Job<RunJobData>,
    runId: string,
    attempt: number,
    bullSignal: AbortSignal | undefined,
    log: typeof logger,
  ): Promise<unknown> {
    const definition: JobDefinition = handler.job;
    const payload = definition.payload.safeParse(job.data.payload);
    if (!payload.success) {
      throw new UnrecoverableError(`Payload does not fit the job's schema: ${payload.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
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

    const counters: Record<string, number> = {};
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
        writer.progress(runId, { phase: name });
        void writer.event(runId, attempt, 'phase', `${name} started`, { phase: name, state: 'started' });
        const phaseStart = Date.now();
        try {
          const value = await fn();
          void writer.event(runId, attempt, 'phase', `${name} finished`, { phase: name, state: 'finished', durationMs: Date.now() - phaseStart });
          return value;
        } catch (error) {
          void writer.event(runId, attempt, 'phase', `${name} failed`, { phase: name, state: 'failed', durationMs: Date.now() - phaseStart }, 'error');
          throw error;
        }
      },
      progress(percent) {
        writer.progress(runId, { progress: percent });
      },
      log(message, fields) {
        void writer.event(runId, attempt, 'log', message, fields);
      },
      count(name, n = 1) {
        counters[name] = (counters[name] ?? 0) + n;
        writer.progress(runId, { counters: { ...counters } });
      },
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

  private async loadConfig(definition: JobDefinition): Promise<unknown> {
    const row = await this.options.db.jobDefinition.findUnique({ where: { name: definition.name }, select: { config: true } });
    const parsed = definition.config.safeParse(row?.config ?? {});
    return parsed.success ? parsed.data : definition.config.parse({});
  }
}
