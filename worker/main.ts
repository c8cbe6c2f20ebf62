import { db } from '@/lib/db.ts';
import { envOrExit } from '@/lib/env.ts';
import { allJobs, findJob } from '@/lib/jobs/catalog.ts';
import { isPackEnabled } from '@/lib/packs.ts';
import { InvalidCatalogError, validateCatalog } from '@/lib/jobs/validate-catalog.ts';
import { logger } from '@/lib/logger.ts';
import { queues } from '@/lib/queue/queues.ts';
import { handlers } from './jobs/index.ts';
import { startWorker } from './start-worker.ts';

/** The worker process: checks the catalog, starts every part of a worker, stops gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  envOrExit();
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
  // The handler map is checked against the catalog by the compiler; this catches a build that skipped it.
  const missing = jobs.filter((job) => !handlers.some((handler) => handler.job.name === job.name));
  if (missing.length > 0) {
    console.error(`No handler for job(s): ${missing.map((job) => job.name).join(', ')}; add them to worker/jobs/index.ts`);
    process.exit(1);
  }

  // The handlers of the catalog as this process runs it (without the packs KICKOFF_PACKS leaves out).
  const worker = await startWorker({ handlers: handlers.filter((handler) => findJob(handler.job.name)), league: isPackEnabled('league') });
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, activeRuns: worker.runner.activeRuns }, 'stopping: no new work, waiting for active runs');
    await worker.stop();
    await queues().close();
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
