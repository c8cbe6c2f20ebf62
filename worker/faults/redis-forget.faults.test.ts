/**
 * Fault: Redis restarted without persistence (`--save "" --appendonly no`, the quick start's
 * plain redis-server) while 60 probe runs are queued and running on two workers. Redis comes
 * back empty; PostgreSQL still has every run. The runs that were running finish on their
 * workers; the queued ones are put back on their queues from their rows by the reconciler (at
 * its production pace: its mark in Redis looked at every 5 s, the 10 s floor); the job schedulers are
 * re-synced within their 30 s. Every run ends completed, each handler ran to its end once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, TestRedisServer } from '@/scripts/test/redis-server.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { startFixtureWorker, stopWorker, type WorkerProcess } from '@/scripts/test/worker-processes.ts';

useOwnQueuePrefix('fault-forget');
let server: TestRedisServer;
const workers: WorkerProcess[] = [];
// The modules below read REDIS_URL on first use, after beforeAll has set it.
const { db } = await import('@/lib/db.ts');
const { categoryNames } = await import('@/lib/jobs/categories.ts');
const { queues } = await import('@/lib/queue/queues.ts');
const { redis } = await import('@/lib/redis.ts');
const { askForRuns } = await import('@/scripts/test/ask-for-run.ts');

beforeAll(async () => {
  // Later arguments win: no append-only file, no snapshots.
  server = new TestRedisServer(await freePort(), ['--appendonly', 'no', '--save', '']);
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

/** Every job scheduler in every category queue, by id. */
async function schedulerIds(): Promise<string[]> {
  const ids: string[] = [];
  for (const category of categoryNames) ids.push(...(await queues().for(category).getJobSchedulers(0, -1)).map((scheduler) => scheduler.key));
  return ids.sort();
}

it('puts every queued run back from PostgreSQL after Redis restarts empty, runs each once, and brings the schedulers back', { timeout: 150_000 }, async () => {
  // The reconciler at its production pace for a Redis that forgot (its mark looked at every 5 s, the
  // 10 s floor); stale rows every 30 s, so only the mark can make it act within this test's wait.
  const env = { REDIS_URL: server.url, FIXTURE_SYNC: '1', FIXTURE_STALLED_INTERVAL_MS: '3000', FIXTURE_RECONCILE_MS: '30000', FIXTURE_CONCURRENCY: '10' };
  workers.push(await startFixtureWorker(env), await startFixtureWorker(env));
  const schedulersBefore = await waitFor(async () => {
    const ids = await schedulerIds();
    return ids.length > 0 ? ids : undefined;
  }, 30_000, 'the job schedulers');

  const askedAt = new Date();
  const ids = await askForRuns('probe', Array.from({ length: 60 }, (_, index) => ({ sleepMs: 1_500 + (index % 10) * 150, steps: 3 })));
  await waitFor(async () => (await db().jobRun.count({ where: { id: { in: ids }, status: 'running' } })) >= 10, 15_000, 'runs in flight');

  await server.stop();
  const atStop = await db().jobRun.groupBy({ by: ['status'], where: { id: { in: ids } }, _count: true });
  const count = (status: string) => atStop.find((group) => group.status === status)?._count ?? 0;
  expect(count('queued')).toBeGreaterThan(10);
  expect(count('running')).toBeGreaterThan(0);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await server.start();
  const restartedAt = Date.now();

  // Redis really forgot: not one of the runs is in it.
  const states = await Promise.all(ids.map((id) => queues().for('diagnostics').getJobState(id)));
  expect(states.filter((state) => state !== 'unknown')).toEqual([]);

  const rows = await waitFor(async () => {
    const all = await db().jobRun.findMany({ where: { id: { in: ids } } });
    return all.every((row) => row.status === 'completed' || row.status === 'failed' || row.status === 'cancelled') ? all : undefined;
  }, 90_000, 'every run to end after the restart');
  const allEndedMs = Date.now() - restartedAt;
  expect(rows.filter((row) => row.status !== 'completed').map((row) => [row.id, row.status, row.error])).toEqual([]);
  expect(rows.every((row) => JSON.stringify(row.result) === JSON.stringify({ steps: 3, sleptMs: (row.payload as { sleepMs: number }).sleepMs }))).toBe(true);

  // None twice: each handler logs its last step once per time it runs to the end.
  const lastSteps = await db().runEvent.groupBy({ by: ['runId'], where: { runId: { in: ids }, message: 'step 3 of 3' }, _count: true });
  expect(lastSteps).toHaveLength(60);
  expect(lastSteps.filter((group) => group._count !== 1)).toEqual([]);
  // No run made twice: the 60 rows are all the probe runs since they were asked for.
  expect(await db().jobRun.count({ where: { jobName: 'probe', queuedAt: { gte: askedAt } } })).toBe(60);
  // The queued ones were put back, each once, and say so on their timelines.
  const notes = await db().runEvent.groupBy({ by: ['runId'], where: { runId: { in: ids }, message: { startsWith: 'Put back on its queue' } }, _count: true });
  expect(notes.length).toBeGreaterThanOrEqual(count('queued'));
  expect(notes.filter((group) => group._count !== 1)).toEqual([]);

  // The schedulers come back with the next re-sync (every 30 s).
  await waitFor(async () => {
    const ids = await schedulerIds();
    return ids.length === schedulersBefore.length ? ids : undefined;
  }, Math.max(1_000, restartedAt + 40_000 - Date.now()), 'the job schedulers to be re-synced');
  const schedulersBackMs = Date.now() - restartedAt;
  expect(await schedulerIds()).toEqual(schedulersBefore);
  expect(workers.every((worker) => worker.child.exitCode === null)).toBe(true);
  console.log(`Redis restart without persistence: ${count('queued')} queued and ${count('running')} running at the stop; all 60 completed ${allEndedMs} ms after the restart (${notes.length} put back); schedulers back after ${schedulersBackMs} ms`);
});
