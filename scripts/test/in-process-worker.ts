import { db } from '@/lib/db.ts';
import { allJobs } from '@/lib/jobs/catalog.ts';
import { queues } from '@/lib/queue/queues.ts';
import { createRedis, redis } from '@/lib/redis.ts';
import { syncCatalog } from '@/worker/catalog-sync.ts';
import type { JobHandler } from '@/worker/define-handler.ts';
import { Runner } from '@/worker/runner.ts';

/** A worker in the test's own process: the catalog synced, a Runner on the file's prefix. */
export async function startInProcessWorker(prefix: string, handlers: JobHandler[]): Promise<Runner> {
  await syncCatalog(db(), allJobs());
  const runner = new Runner({ db: db(), connect: () => createRedis('worker'), prefix, handlers });
  await runner.start();
  return runner;
}

/** Stops the worker and closes every connection the test file opened. */
export async function stopInProcessWorker(runner: Runner | undefined): Promise<void> {
  await runner?.close(5_000);
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
}
