/**
 * Scale-out on Redis Cluster: a three-node cluster on loopback ports runs triggers, a
 * schedule, an exclusive job and a dependency chain with two workers — the hash-tagged
 * queue prefix keeps each queue's keys in one slot.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestCluster } from '@/scripts/test/redis-server.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { startFixtureWorker, stopWorker, type WorkerProcess } from '@/scripts/test/worker-processes.ts';
import '@/scripts/test/fixtures/engine-jobs.ts';

useOwnQueuePrefix('fault-cluster');
const cluster = await startTestCluster();
process.env.REDIS_CLUSTER_NODES = cluster.seeds;
const { db } = await import('@/lib/db.ts');
const { ConflictError } = await import('@/lib/errors.ts');
const { queues } = await import('@/lib/queue/queues.ts');
const { redis } = await import('@/lib/redis.ts');
const { askForRun } = await import('@/scripts/test/ask-for-run.ts');
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  const env = { REDIS_CLUSTER_NODES: cluster.seeds, FIXTURE_SYNC: '1', FIXTURE_STALLED_INTERVAL_MS: '5000' };
  workers.push(await startFixtureWorker(env), await startFixtureWorker(env));
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map((worker) => stopWorker(worker, 'SIGKILL')));
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
  await cluster.destroy();
});

const finished = (id: string) =>
  waitFor(async () => {
    const row = await db().jobRun.findUnique({ where: { id } });
    return row && ['completed', 'failed', 'skipped', 'cancelled'].includes(row.status) ? row : undefined;
  }, 20_000, `run ${id} to finish`);

it('runs triggers, a schedule, an exclusive job and a dependency chain on a three-node cluster with two workers', { timeout: 90_000 }, async () => {
  const triggered = await Promise.all(Array.from({ length: 10 }, (_, index) => askForRun('probe', { payload: { steps: 2, sleepMs: 50 * index } })));
  for (const { run } of triggered) expect((await finished(run.id)).status).toBe('completed');
  const workerIds = new Set((await db().jobRun.findMany({ where: { id: { in: triggered.map(({ run }) => run.id) } } })).map((row) => row.workerId));
  expect(workerIds.size).toBeGreaterThanOrEqual(1);

  const { run: holder } = await askForRun('fx-exclusive', { payload: { sleepMs: 1_500 } });
  await waitFor(async () => (await db().jobRun.findUniqueOrThrow({ where: { id: holder.id } })).status === 'running', 10_000, 'the exclusive run to start');
  const refused = await askForRun('fx-exclusive').catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(ConflictError);
  expect((refused as InstanceType<typeof ConflictError>).details).toEqual({ runId: holder.id });
  expect((await finished(holder.id)).status).toBe('completed');

  const { run: head } = await askForRun('fx-chain-a', { payload: { sleepMs: 50 } });
  const tail = await waitFor(() => db().jobRun.findFirst({ where: { jobName: 'fx-chain-c', status: 'completed' } }), 20_000, 'the chain to reach C');
  const middle = await db().jobRun.findUniqueOrThrow({ where: { id: tail.causedBy! } });
  expect(middle.causedBy).toBe(head.id);

  const schedulers = await queues().for('diagnostics').getJobSchedulers(0, -1);
  expect(schedulers.filter((scheduler) => scheduler.key === 'fx-every-second')).toHaveLength(1);
  const ticks = await waitFor(async () => {
    const rows = await db().jobRun.findMany({ where: { jobName: 'fx-every-second', status: 'completed' } });
    return rows.length >= 2 ? rows : undefined;
  }, 15_000, 'two scheduled ticks');
  expect(new Set(ticks.map((row) => row.id)).size).toBe(ticks.length);
});

it('reports the health of the cluster in use, not of REDIS_URL', async () => {
  // The web app's route, driven from the fault suite because this file owns the cluster (the worker code never imports app/).
  const { GET: health } = await import('@/app/api/health/route.ts');
  const { env } = await import('@/lib/env.ts');
  expect(env().REDIS_CLUSTER_NODES.length).toBe(3);
  const response = await health(new Request('http://localhost/api/health'), { params: Promise.resolve({}) });
  const body = (await response.json()) as { redis: { ok: boolean } };
  expect(body.redis.ok).toBe(true);
  // The same check with nothing listening at REDIS_URL: still the cluster that answers.
  const { checkRedis } = await import('@/lib/health.ts');
  expect((await checkRedis({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_CLUSTER_NODES: env().REDIS_CLUSTER_NODES })).ok).toBe(true);
  expect((await checkRedis({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_CLUSTER_NODES: [] })).ok).toBe(false);
});
