/**
 * Fault: `kill -9` of a worker while 200 runs are in flight, then a new worker. Every run ends
 * completed with its attempts; none stays running or queued; the stalled ones are picked up
 * again within BullMQ's stalled interval (shortened here to 3 s; 30 s in production).
 */
import { afterAll, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { startFixtureWorker, stopWorker, type WorkerProcess } from '@/scripts/test/worker-processes.ts';
import { db } from '@/lib/db.ts';
import type { RunAttempt } from '@/lib/jobs/run-state.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';
import { askForRuns } from '@/scripts/test/ask-for-run.ts';

useOwnQueuePrefix('fault-kill');
const stalledIntervalMs = 3_000;
const env = { FIXTURE_STALLED_INTERVAL_MS: String(stalledIntervalMs), FIXTURE_RECONCILE_MS: '2000', FIXTURE_CONCURRENCY: '100' };
const workers: WorkerProcess[] = [];

afterAll(async () => {
  await Promise.all(workers.map((worker) => stopWorker(worker, 'SIGKILL')));
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

it('loses no run when a worker is killed with 200 runs in flight', { timeout: 90_000 }, async () => {
  const doomed = await startFixtureWorker(env);
  workers.push(doomed);
  const ids = await askForRuns(
    'probe',
    Array.from({ length: 200 }, (_, index) => ({ sleepMs: 400 + ((index * 37) % 1_600), steps: 2 })),
  );
  await waitFor(async () => (await db().jobRun.count({ where: { id: { in: ids }, status: 'completed' } })) >= 20, 15_000, 'some runs to complete');
  doomed.child.kill('SIGKILL');
  const killedAt = Date.now();
  const inFlight = await db().jobRun.count({ where: { id: { in: ids }, status: { in: ['running', 'queued'] } } });
  expect(inFlight).toBeGreaterThan(50);

  const rescuer = await startFixtureWorker(env);
  workers.push(rescuer);
  const rows = await waitFor(async () => {
    const all = await db().jobRun.findMany({ where: { id: { in: ids } } });
    return all.every((row) => row.status === 'completed' || row.status === 'failed') ? all : undefined;
  }, 60_000, 'every run to end');

  expect(rows.filter((row) => row.status !== 'completed').map((row) => [row.id, row.status, row.error])).toEqual([]);
  const rerun = rows.filter((row) => (row.attempts as unknown as RunAttempt[]).length > 1);
  expect(rerun.length).toBeGreaterThan(0);
  for (const row of rerun) {
    const attempts = row.attempts as unknown as RunAttempt[];
    expect(attempts[0]!.workerId).toBe(doomed.workerId);
    expect(attempts.at(-1)!.workerId).toBe(rescuer.workerId);
    // picked up within the stalled interval (plus the check's own period and start-up)
    expect(new Date(attempts.at(-1)!.at).getTime() - killedAt).toBeLessThan(stalledIntervalMs * 3 + 5_000);
  }
  const allAttempts = rows.every((row) => (row.attempts as unknown as RunAttempt[]).length >= 1 || row.status === 'completed');
  expect(allAttempts).toBe(true);
});
