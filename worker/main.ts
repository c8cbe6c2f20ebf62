import { bootstrapAccess } from '@/lib/auth/bootstrap.ts';
import { db } from '@/lib/db.ts';
import { envOrExit } from '@/lib/env.ts';
import { allJobs } from '@/lib/jobs/catalog.ts';
import { InvalidCatalogError, validateCatalog } from '@/lib/jobs/validate-catalog.ts';
import { logger } from '@/lib/logger.ts';
import { queues } from '@/lib/queue/queues.ts';
import { syncSchedulers } from '@/lib/queue/schedulers.ts';
import { createRedis } from '@/lib/redis.ts';
import { syncCatalog } from './catalog-sync.ts';
import { AlertEngine } from '@/lib/alerts/alert-engine.ts';
import { TelegramChannel } from '@/lib/alerts/telegram-channel.ts';
import { outboundPolicy } from '@/lib/net/outbound-policy.ts';
import { TelegramBot } from './alerts/telegram-bot.ts';
import { Heartbeat } from './heartbeat.ts';
import { startLeague } from './league/league-start.ts';
import { handlers } from './jobs/index.ts';
import { Reconciler } from './reconciler.ts';
import { redisDurabilityWarnings } from './redis-durability.ts';
import { Runner } from './runner.ts';

/** Schedulers are re-synced this often, so a "paused until" resumes by itself. */
const schedulerResyncMs = 30_000;

/** The worker process: checks and syncs the catalog, runs jobs, reports heartbeats, stops gracefully. */
async function main(): Promise<void> {
  const settings = envOrExit();
  const jobs = allJobs();
  try {
    validateCatalog(jobs);
  } catch (error) {
    if (error instanceof InvalidCatalogError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const missing = jobs.filter((job) => !handlers.some((handler) => handler.job.name === job.name));
  if (missing.length > 0) {
    console.error(`No handler for job(s): ${missing.map((job) => job.name).join(', ')}; add them to worker/jobs/index.ts`);
    process.exit(1);
  }

  await syncCatalog(db(), jobs);
  await bootstrapAccess(db(), settings);

  const runner = new Runner({ db: db(), connect: () => createRedis('worker'), prefix: settings.QUEUE_PREFIX, handlers });
  const lockConnection = createRedis('worker');
  for (const warning of await redisDurabilityWarnings(lockConnection)) logger.warn(warning);
  const resyncSchedulers = () => syncSchedulers({ db: db(), queues: queues(), redis: lockConnection, jobs, owner: runner.workerId });
  await resyncSchedulers();
  const schedulerTimer = setInterval(() => void resyncSchedulers().catch((error: unknown) => logger.warn({ err: error }, 'scheduler sync failed')), schedulerResyncMs);
  await runner.start();
  const heartbeat = new Heartbeat(db(), runner);
  await heartbeat.start();
  const reconciler = new Reconciler({ db: db(), queues: queues(), redis: lockConnection, owner: runner.workerId });
  reconciler.start();
  const publicUrl = settings.PUBLIC_URL ?? `http://localhost:${settings.PORT}`;
  const alerts = new AlertEngine({
    db: db(),
    redis: lockConnection,
    prefix: settings.QUEUE_PREFIX,
    owner: runner.workerId,
    telegram: settings.TELEGRAM_BOT_TOKEN ? new TelegramChannel(settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_API_ROOT, settings.ALERT_DELIVERY_TIMEOUT_MS) : null,
    webhooks: { policy: outboundPolicy(settings.WEBHOOK_ALLOWED_HOSTS) },
    deliveryTimeoutMs: settings.ALERT_DELIVERY_TIMEOUT_MS,
    publicUrl,
  });
  alerts.start();
  const league = await startLeague();
  const bot = settings.TELEGRAM_BOT_TOKEN
    ? new TelegramBot({ db: db(), redis: lockConnection, prefix: settings.QUEUE_PREFIX, owner: runner.workerId, token: settings.TELEGRAM_BOT_TOKEN, apiRoot: settings.TELEGRAM_API_ROOT, publicUrl, timeoutMs: settings.ALERT_DELIVERY_TIMEOUT_MS })
    : null;
  bot?.start();
  logger.info({ workerId: runner.workerId, queues: runner.concurrency() }, 'worker started');

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, activeRuns: runner.activeRuns }, 'stopping: no new work, waiting for active runs');
    clearInterval(schedulerTimer);
    reconciler.stop();
    await alerts.stop();
    await bot?.stop();
    await runner.close(settings.WORKER_SHUTDOWN_TIMEOUT_MS);
    await league.stop();
    await heartbeat.stop();
    await queues().close();
    lockConnection.disconnect();
    await db().$disconnect();
    logger.info('worker stopped');
    process.exit(0);
  };
  process.on('SIGTERM', (signal) => void stop(signal));
  process.on('SIGINT', (signal) => void stop(signal));
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'worker failed to start');
  process.exit(1);
});
