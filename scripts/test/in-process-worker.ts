import { db } from '@/lib/db.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';
import type { JobHandler } from '@/worker/define-handler.ts';
import { startWorker, type StartedWorker, type StartWorkerOptions } from '@/worker/start-worker.ts';

/**
 * A worker in the test's own process, assembled by the production `startWorker` on the file's
 * prefix: the catalog synced, the runner, the status writer and the held-run promoter. The
 * parts a test does not drive itself (schedulers, heartbeat, reconciler, alerts, the league
 * listener) are off unless the test asks for them.
 */
export function startInProcessWorker(_prefix: string, handlers: readonly JobHandler[], parts: Partial<StartWorkerOptions> = {}): Promise<StartedWorker> {
  return startWorker({ handlers, bootstrapAccess: false, schedulers: false, heartbeat: false, reconciler: false, alerts: false, league: false, ...parts });
}

/** Stops the worker and closes every connection the test file opened. */
export async function stopInProcessWorker(worker: StartedWorker | undefined): Promise<void> {
  await worker?.stop(5_000);
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
}
