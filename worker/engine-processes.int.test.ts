/**
 * Engine patterns that only show with several worker processes: schedules fire once per
 * tick however many workers sync them, exclusive jobs never overlap across workers, and a
 * killed worker's run is picked up again as a new attempt.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { startFixtureWorker, stopWorker, type WorkerProcess } from '@/scripts/test/worker-processes.ts';
import '@/scripts/test/fixtures/engine-jobs.ts';
import { db } from '@/lib/db.ts';
import type { RunAttempt } from '@/lib/jobs/run-state.ts';
import { queues } from '@/lib/queue/queues.ts';
import type { RunJobData } from '@/lib/queue/run-job-data.ts';
import { redis } from '@/lib/redis.ts';
import { askForRun } from '@/scripts/test/ask-for-run.ts';

useOwnQueuePrefix('processes');
const started: WorkerProcess[] = [];

/**
 * BullMQ runs one stalled-job check per interval across all workers of a queue, so every
 * worker here uses the short interval the stalled-job test needs.
 */
async function workers(count: number, env: Record<string, string> = {}): Promise<WorkerProcess[]> {
  // Every worker that did start is stopped after the test, even when another one failed to.
  const settled = await Promise.allSettled(Array.from({ length: count }, () => startFixtureWorker({ FIXTURE_STALLED_INTERVAL_MS: '1000', ...env })));
  const list = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  started.push(...list);
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  return list;
}

beforeAll(async () => {
  // Start from no schedulers and an empty queue, whatever an earlier test left.
  for (const scheduler of await queues().for('diagnostics').getJobSchedulers(0, -1)) await queues().for('diagnostics').removeJobScheduler(scheduler.key);
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((worker) => stopWorker(worker, 'SIGKILL')));
});

afterAll(async () => {
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

describe('schedules with four workers', () => {
  it('leaves exactly one scheduler per schedule, and each tick runs once', { timeout: 120_000 }, async () => {
    await workers(4, { FIXTURE_SYNC: '1' });
    const schedulers = await queues().for('diagnostics').getJobSchedulers(0, -1);
    expect(schedulers.filter((scheduler) => scheduler.key === 'fx-every-second')).toHaveLength(1);
    const delayed = await queues().for('diagnostics').getDelayed();
    expect(delayed.filter((job) => job.name === 'fx-every-second')).toHaveLength(1);

    const since = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    const until = Date.now();
    const runs = await db().jobRun.findMany({ where: { jobName: 'fx-every-second', queuedAt: { gte: new Date(since - 1_000) } } });
    const ticks = runs.map((run) => run.id.split(':').at(-1));
    expect(new Set(ticks).size).toBe(runs.length);
    // about one run a second for the time watched (4.5 s, longer on a loaded machine): never four per tick
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeLessThanOrEqual(Math.floor((until - since + 1_000) / 1_000) + 1);
    expect(runs.every((run) => run.trigger === 'schedule')).toBe(true);
    await queues().for('diagnostics').removeJobScheduler('fx-every-second');
  });
});

describe('exclusive jobs with two workers', () => {
  it('never runs two at once; runs asked for while one runs wait for it', { timeout: 120_000 }, async () => {
    await workers(2);
    const ids = Array.from({ length: 4 }, (_, index) => `exclusive-multi-${index}`);
    // Straight into the queue, as four triggers racing past the API's check would land.
    await queues()
      .for('diagnostics')
      .addBulk(ids.map((id) => ({ name: 'fx-exclusive', data: { payload: { sleepMs: 600 }, trigger: 'manual' } satisfies RunJobData, opts: { jobId: id } })));
    const runs = await waitFor(async () => {
      const rows = await db().jobRun.findMany({ where: { id: { in: ids }, status: 'completed' } });
      return rows.length === ids.length ? rows : undefined;
    }, 30_000, 'four exclusive runs to complete');
    const intervals = runs.map((run) => [run.startedAt!.getTime(), run.finishedAt!.getTime()] as const).sort((a, b) => a[0] - b[0]);
    for (let index = 1; index < intervals.length; index += 1) expect(intervals[index]![0]).toBeGreaterThanOrEqual(intervals[index - 1]![1]);
    expect(new Set(runs.map((run) => run.workerId)).size).toBeGreaterThanOrEqual(1);
  });
});

describe('a killed worker', () => {
  it('has its run picked up by another worker as a new attempt', { timeout: 120_000 }, async () => {
    const [doomed] = await workers(1);
    const { run } = await askForRun('probe', { payload: { sleepMs: 1_500, steps: 3 } });
    await waitFor(async () => (await db().jobRun.findUniqueOrThrow({ where: { id: run.id } })).status === 'running', 10_000, 'the run to start');
    await stopWorker(doomed!, 'SIGKILL');
    const [rescuer] = await workers(1);
    const done = await waitFor(async () => {
      const row = await db().jobRun.findUniqueOrThrow({ where: { id: run.id } });
      return row.status === 'completed' || row.status === 'failed' ? row : undefined;
    }, 20_000, 'the run to finish on the second worker');
    expect(done.status).toBe('completed');
    expect(done.workerId).toBe(rescuer!.workerId);
    const attempts = done.attempts as unknown as RunAttempt[];
    expect(attempts.map((attempt) => attempt.workerId)).toEqual([doomed!.workerId, rescuer!.workerId]);
    expect(done.attempt).toBe(2);
  });

  it('stopped with SIGTERM mid-run finishes the run before it exits', { timeout: 30_000 }, async () => {
    const [worker] = await workers(1);
    const { run } = await askForRun('probe', { payload: { sleepMs: 1_200, steps: 2 } });
    await waitFor(async () => (await db().jobRun.findUniqueOrThrow({ where: { id: run.id } })).status === 'running', 10_000, 'the run to start');
    await stopWorker(worker!, 'SIGTERM');
    const done = await db().jobRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(done.status).toBe('completed');
  });
});
