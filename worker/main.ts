import { bootstrapAccess } from '@/lib/auth/bootstrap.ts';
import { db } from '@/lib/db.ts';
import { envOrExit } from '@/lib/env.ts';
import { allJobs } from '@/lib/jobs/catalog.ts';
import { logger } from '@/lib/logger.ts';
import { createRedis } from '@/lib/redis.ts';
import { syncCatalog } from './catalog-sync.ts';
import { Heartbeat } from './heartbeat.ts';
import { handlers } from './jobs/index.ts';
import { Runner } from './runner.ts';

/** The worker process: syncs the catalog, runs jobs, reports heartbeats, stops gracefully. */
async function main(): Promise<void> {
  const settings = envOrExit();
  const missing = allJobs().filter((job) => !handlers.some((handler) => handler.job.name === job.name));
  if (missing.length > 0) {
    logger.fatal(`no handler for job(s): ${missing.map((job) => job.name).join(', ')}; add them to worker/jobs/index.ts`);
    process.exit(1);
  }

  await syncCatalog(db(), allJobs());
  await bootstrapAccess(db(), settings);

  const runner = new Runner({ db: db(), connect: () => createRedis('worker'), prefix: settings.QUEUE_PREFIX, handlers });
  runner.start();
  const heartbeat = new Heartbeat(db(), runner);
  await heartbeat.start();
  logger.info({ workerId: runner.workerId, queues: runner.concurrency() }, 'worker started');

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, activeRuns: runner.activeRuns }, 'stopping: no new work, waiting for active runs');
    await runner.close(settings.WORKER_SHUTDOWN_TIMEOUT_MS);
    await heartbeat.stop();
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
