import type { Redis } from 'ioredis';
import { EmailChannel } from '@/lib/alerts/email-channel.ts';
import { TelegramChannel } from '@/lib/alerts/telegram-channel.ts';
import { bootstrapAccess } from '@/lib/auth/bootstrap.ts';
import { db as sharedDb, type Db } from '@/lib/db.ts';
import { env } from '@/lib/env.ts';
import { allJobs } from '@/lib/jobs/catalog.ts';
import type { Category } from '@/lib/jobs/categories.ts';
import { logger } from '@/lib/logger.ts';
import { createPgPool } from '@/lib/pg-pool.ts';
import { queues } from '@/lib/queue/queues.ts';
import { syncSchedulers } from '@/lib/queue/schedulers.ts';
import { createRedis } from '@/lib/redis.ts';
import { AlertEngine } from '@/lib/alerts/alert-engine.ts';
import { outboundPolicy } from '@/lib/net/outbound-policy.ts';
import { TelegramBot } from './alerts/telegram-bot.ts';
import { syncCatalog } from './catalog-sync.ts';
import type { JobHandler } from './define-handler.ts';
import { Heartbeat } from './heartbeat.ts';
import { HeldRunPromoter } from './held-runs.ts';
import { startLeague } from './league/league-start.ts';
import { Reconciler, type ReconcilerOptions } from './reconciler.ts';
import { redisDurabilityWarnings } from './redis-durability.ts';
import { Runner } from './runner.ts';
import { RunStatusWriter, type RunStatusWriterOptions } from './status/run-status-writer.ts';

/** Schedulers are re-synced this often, so a "paused until" resumes by itself. */
const schedulerResyncMs = 30_000;

export interface StartWorkerOptions {
  /** The handlers this worker runs (production: `handlers` of worker/jobs/index.ts). */
  handlers: readonly JobHandler[];
  db?: Db;
  /** Makes Redis connections. Default: REDIS_URL / REDIS_CLUSTER_NODES. The queue prefix is QUEUE_PREFIX. */
  connect?: () => Redis;
  workerId?: string;
  /** Per-category concurrency overrides. Default: each category's own. */
  concurrency?: Partial<Record<Category, number>>;
  /** Only run these categories. Default: every category that has a handler. */
  only?: Category[];
  /** BullMQ's stalled-job interval. Default: 30 s. */
  stalledIntervalMs?: number;
  statusWriter?: RunStatusWriterOptions;
  /** Sync the catalog into PostgreSQL first. Default: true. */
  syncCatalog?: boolean;
  /** Create the bootstrap admin and API key when missing (BOOTSTRAP_*). Default: true. */
  bootstrapAccess?: boolean;
  /** Keep BullMQ's job schedulers in line with the catalog. Default: true. */
  schedulers?: boolean;
  /** Report liveness and load every few seconds. Default: true, every 5 s. */
  heartbeat?: boolean | { intervalMs: number };
  /**
   * Repair rows the queue finished, and put back on their queues the runs Redis lost. Default:
   * true, every 30 s for rows still for 60 s, and at once (within 5 s) when Redis lost its data.
   */
  reconciler?: boolean | Pick<ReconcilerOptions, 'intervalMs' | 'staleAfterMs' | 'watchMs' | 'floorMs' | 'workerAliveMs'>;
  /** Evaluate alert rules and deliver alerts (and poll the Telegram bot when a token is set). Default: true. */
  alerts?: boolean;
  /** The league pack's listener, cache warming and start-up fill. Default: true. */
  league?: boolean;
}

export interface StartedWorker {
  workerId: string;
  runner: Runner;
  statusWriter: RunStatusWriter;
  /** Stops taking work, lets active runs finish for up to `graceMs` (default WORKER_SHUTDOWN_TIMEOUT_MS), and closes every part. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The one assembly of a worker process: the runner with its status writer, the schedulers,
 * the heartbeat, the reconciler, the alert engine and bot, the league pack's listeners, and the
 * promoter of runs held while paused. `worker/main.ts`, the tests' workers and the benchmark
 * all start a worker through it.
 */
export async function startWorker(options: StartWorkerOptions): Promise<StartedWorker> {
  const settings = env();
  const db = options.db ?? sharedDb();
  const connect = options.connect ?? (() => createRedis('worker'));
  const prefix = settings.QUEUE_PREFIX;
  if (options.syncCatalog ?? true) await syncCatalog(db, allJobs());
  if (options.bootstrapAccess ?? true) await bootstrapAccess(db, settings);

  const statusPool = createPgPool(settings.DATABASE_URL);
  const statusWriter = new RunStatusWriter(db, statusPool, options.statusWriter);
  const runner = new Runner({ db, connect, prefix, handlers: options.handlers, statusWriter, workerId: options.workerId, concurrency: options.concurrency, only: options.only, stalledIntervalMs: options.stalledIntervalMs });
  const lockConnection = connect();
  for (const warning of await redisDurabilityWarnings(lockConnection)) logger.warn(warning);
  // What makes new work stops before the runner closes; what running handlers use, after.
  const stopFirst: (() => Promise<void> | void)[] = [];
  const stopLast: (() => Promise<void> | void)[] = [];

  if (options.schedulers ?? true) {
    const resync = () => syncSchedulers({ db, queues: queues(), redis: lockConnection, jobs: allJobs(), owner: runner.workerId });
    await resync();
    const timer = setInterval(() => void resync().catch((error: unknown) => logger.warn({ err: error }, 'scheduler sync failed')), schedulerResyncMs);
    stopFirst.push(() => clearInterval(timer));
  }
  await runner.start();
  const promoter = new HeldRunPromoter({ db, redis: lockConnection, queues: queues() });
  promoter.start();
  stopFirst.push(() => promoter.stop());
  if (options.heartbeat ?? true) {
    const heartbeat = new Heartbeat(db, runner, typeof options.heartbeat === 'object' ? options.heartbeat.intervalMs : undefined);
    await heartbeat.start();
    stopLast.push(() => heartbeat.stop());
  }
  if (options.reconciler ?? true) {
    const timing = typeof options.reconciler === 'object' ? options.reconciler : {};
    const reconciler = new Reconciler({ db, queues: queues(), redis: lockConnection, owner: runner.workerId, ...timing });
    reconciler.start();
    stopFirst.push(() => reconciler.stop());
  }
  if (options.alerts ?? true) {
    const publicUrl = settings.PUBLIC_URL ?? `http://localhost:${settings.PORT}`;
    const token = settings.TELEGRAM_BOT_TOKEN;
    const alerts = new AlertEngine({
      db,
      redis: lockConnection,
      prefix,
      owner: runner.workerId,
      telegram: token ? new TelegramChannel(token, settings.TELEGRAM_API_ROOT, settings.ALERT_DELIVERY_TIMEOUT_MS) : null,
      email: settings.SMTP_URL ? new EmailChannel(settings.SMTP_URL, settings.SMTP_FROM, settings.ALERT_DELIVERY_TIMEOUT_MS) : null,
      webhooks: { policy: outboundPolicy(settings.WEBHOOK_ALLOWED_HOSTS) },
      deliveryTimeoutMs: settings.ALERT_DELIVERY_TIMEOUT_MS,
      publicUrl,
    });
    alerts.start();
    stopFirst.push(() => alerts.stop());
    if (token) {
      const bot = new TelegramBot({ db, redis: lockConnection, prefix, owner: runner.workerId, token, apiRoot: settings.TELEGRAM_API_ROOT, publicUrl, timeoutMs: settings.ALERT_DELIVERY_TIMEOUT_MS });
      bot.start();
      stopFirst.push(() => bot.stop());
    }
  }
  if (options.league ?? true) {
    const league = await startLeague();
    stopLast.push(() => league.stop());
  }
  logger.info({ workerId: runner.workerId, queues: runner.concurrency() }, 'worker started');

  let stopped: Promise<void> | undefined;
  return {
    workerId: runner.workerId,
    runner,
    statusWriter,
    stop(graceMs = settings.WORKER_SHUTDOWN_TIMEOUT_MS) {
      stopped ??= (async () => {
        for (const stop of stopFirst.splice(0)) await stop();
        await runner.close(graceMs);
        for (const stop of stopLast.splice(0)) await stop();
        await statusWriter.close();
        await statusPool.end().catch(() => {});
        lockConnection.disconnect();
      })();
      return stopped;
    },
  };
}
