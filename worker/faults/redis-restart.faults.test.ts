/**
 * Fault: Redis restarted while runs are in flight (a Redis of the suite's own, with
 * append-only persistence). Workers reconnect by themselves and every run completes.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, TestRedisServer } from '@/scripts/test/redis-server.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { startFixtureWorker, stopWorker, type WorkerProcess } from '@/scripts/test/worker-processes.ts';

useOwnQueuePrefix('fault-redis');
let server: TestRedisServer;
const workers: WorkerProcess[] = [];
// The modules below read REDIS_URL on first use, after beforeAll has set it.
const { db } = await import('@/lib/db.ts');
const { queues } = await import('@/lib/queue/queues.ts');
const { redis } = await import('@/lib/redis.ts');
const { askForRuns } = await import('@/scripts/test/ask-for-run.ts');

beforeAll(async () => {
  server = new TestRedisServer(await freePort());
  await server.start();
  process.env.REDIS_URL = server.url;
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => stopWorker(worker, 'SIGKILL')));
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
  await server.destroy();
});

it('reconnects by itself after a Redis restart and completes every run', { timeout: 90_000 }, async () => {
  const env = { REDIS_URL: server.url, FIXTURE_STALLED_INTERVAL_MS: '3000', FIXTURE_RECONCILE_MS: '2000', FIXTURE_CONCURRENCY: '50' };
  workers.push(await startFixtureWorker(env), await startFixtureWorker(env));
  const ids = await askForRuns('probe', Array.from({ length: 60 }, (_, index) => ({ sleepMs: 300 + (index % 10) * 150, steps: 3 })));
  await waitFor(async () => (await db().jobRun.count({ where: { id: { in: ids }, status: 'running' } })) > 10, 15_000, 'runs in flight');

  await server.stop();
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  await server.start();

  const rows = await waitFor(async () => {
    const all = await db().jobRun.findMany({ where: { id: { in: ids } } });
    return all.every((row) => row.status === 'completed' || row.status === 'failed') ? all : undefined;
  }, 60_000, 'every run to end after the restart');
  expect(rows.filter((row) => row.status !== 'completed').map((row) => [row.id, row.status, row.error])).toEqual([]);
  expect(workers.every((worker) => worker.child.exitCode === null)).toBe(true);
});
