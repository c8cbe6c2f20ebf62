/**
 * Fault: PostgreSQL unreachable for 20 s while runs complete (through a TCP proxy the suite
 * cuts and restores). Jobs keep running, status writes wait and retry, and afterwards every
 * row is right.
 */
import { afterAll, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { TcpProxy } from '@/scripts/test/tcp-proxy.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { startFixtureWorker, stopWorker, type WorkerProcess } from '@/scripts/test/worker-processes.ts';
import { db } from '@/lib/db.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';
import { askForRuns } from '@/scripts/test/ask-for-run.ts';

useOwnQueuePrefix('fault-postgres');
const workers: WorkerProcess[] = [];
const target = new URL(process.env.DATABASE_URL!);
const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));

afterAll(async () => {
  await Promise.all(workers.map((worker) => stopWorker(worker, 'SIGKILL')));
  await proxy.stop();
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

it('keeps running through a 20 s PostgreSQL outage and records every run right afterwards', { timeout: 120_000 }, async () => {
  const viaProxy = new URL(target);
  viaProxy.port = String(await proxy.start());
  workers.push(await startFixtureWorker({ DATABASE_URL: viaProxy.toString(), FIXTURE_CONCURRENCY: '20' }));
  const ids = await askForRuns('probe', Array.from({ length: 60 }, (_, index) => ({ sleepMs: 500 + index * 200, steps: 2 })));
  await waitFor(async () => (await db().jobRun.count({ where: { id: { in: ids }, status: 'running' } })) >= 10, 15_000, 'runs in flight');

  await proxy.cut();
  const cutAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 20_000));
  // Jobs went on while the database was away: BullMQ finished some of them.
  const finishedInQueue = await queues().for('diagnostics').getCompletedCount();
  expect(finishedInQueue).toBeGreaterThan(0);
  await proxy.restore();

  const rows = await waitFor(async () => {
    const all = await db().jobRun.findMany({ where: { id: { in: ids } } });
    return all.every((row) => row.status === 'completed') ? all : undefined;
  }, 60_000, 'every run to be recorded completed');
  const finishedDuringOutage = rows.filter((row) => row.finishedAt && row.finishedAt.getTime() > cutAt && row.finishedAt.getTime() < cutAt + 20_000);
  expect(finishedDuringOutage.length).toBeGreaterThan(0);
  expect(rows.every((row) => row.durationMs !== null && row.progress === 100 && row.startedAt !== null)).toBe(true);
});
