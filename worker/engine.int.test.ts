/**
 * The job patterns of DESIGN.md, one by one, on a real worker (in this process) against real
 * PostgreSQL and Redis. The patterns that need several processes are in
 * engine-processes.int.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessWorker, stopInProcessWorker } from '@/scripts/test/in-process-worker.ts';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { engineHandlers, handlerCalls } from '@/scripts/test/fixtures/engine-jobs.ts';
import type { Principal } from '@/lib/auth/principal.ts';
import { db } from '@/lib/db.ts';
import { ConflictError } from '@/lib/errors.ts';
import type { RunAttempt } from '@/lib/jobs/run-state.ts';
import { queues } from '@/lib/queue/queues.ts';
import type { RunJobData } from '@/lib/queue/run-job-data.ts';
import { redis } from '@/lib/redis.ts';
import { cancelRun } from '@/lib/runs/cancel-run.ts';
import { askForRun, askForRunInDashboard } from '@/scripts/test/ask-for-run.ts';
import { retryRun } from '@/lib/runs/retry-run.ts';
import { handlers } from './jobs/index.ts';
import { Reconciler } from './reconciler.ts';
import type { StartedWorker } from './start-worker.ts';

const prefix = useOwnQueuePrefix('engine');
// The global switches are flipped here: a database of its own keeps other files' runs out of it.
await useOwnDatabase('engine');
let runner: StartedWorker;
const admin: Principal = { type: 'user', id: 'u1', label: 'admin@test', role: 'admin', grants: [] };
const actor = { principal: admin, requestId: 'req-engine', ip: '127.0.0.1' };

beforeAll(async () => {
  runner = await startInProcessWorker(prefix, [...handlers, ...engineHandlers]);
});

afterAll(() => stopInProcessWorker(runner));

const runOf = (id: string) => db().jobRun.findUniqueOrThrow({ where: { id } });
const until = (id: string, statuses: string[], timeoutMs = 15_000) =>
  waitFor(async () => {
    const run = await runOf(id);
    return statuses.includes(run.status) ? run : undefined;
  }, timeoutMs, `run ${id} to reach ${statuses.join('|')}`);

/** Adds a job the way a job scheduler does when a schedule fires. */
async function fireSchedule(jobName: string, category: 'diagnostics' | 'maintenance', id: string) {
  const data: RunJobData = { payload: {}, trigger: 'schedule', actor: 'scheduler', source: 'schedule' };
  await queues().for(category).add(jobName, data, { jobId: id, priority: 13 });
  return id;
}

describe('retry policy', () => {
  it('retries with its backoff, shows retrying between attempts, and records every attempt', async () => {
    const { run } = await askForRun('fx-flaky', { payload: { failAttempts: 2 } });
    await until(run.id, ['retrying']);
    const done = await until(run.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ succeededOnAttempt: 3 });
    const attempts = done.attempts as unknown as RunAttempt[];
    expect(attempts.map((a) => [a.attempt, a.error ?? null])).toEqual([
      [1, 'Failing attempt 1'],
      [2, 'Failing attempt 2'],
      [3, null],
    ]);
    // fixed backoff of 300 ms between attempts
    const gap = new Date(attempts[1]!.at).getTime() - new Date(attempts[0]!.finishedAt!).getTime();
    expect(gap).toBeGreaterThanOrEqual(250);
  });

  it('fails at once on an unrecoverable error', async () => {
    const { run } = await askForRun('fx-flaky', { payload: { unrecoverable: true } });
    const done = await until(run.id, ['completed', 'failed']);
    expect(done.status).toBe('failed');
    expect(done.error).toBe('This input can never work');
    expect(done.attempts as unknown[]).toHaveLength(1);
  });

  it('waits as long as a rate-limited upstream asks before the next attempt', async () => {
    const { run } = await askForRun('fx-flaky', { payload: { failAttempts: 1, retryAfterMs: 1_500 } });
    const done = await until(run.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    const attempts = done.attempts as unknown as RunAttempt[];
    const gap = new Date(attempts[1]!.at).getTime() - new Date(attempts[0]!.finishedAt!).getTime();
    expect(gap).toBeGreaterThanOrEqual(1_400);
  });
});

describe('payload validation', () => {
  it('a payload that fails the schema never reaches the handler, even when added to the queue directly', async () => {
    const before = handlerCalls.get('fx-exclusive') ?? 0;
    const id = 'bad-payload-direct';
    await queues().for('diagnostics').add('fx-exclusive', { payload: { sleepMs: 'long' }, trigger: 'api' } satisfies RunJobData, { jobId: id, attempts: 3 });
    const done = await until(id, ['failed']);
    expect(done.error).toMatch(/^Payload does not fit the job's schema: sleepMs/);
    expect(done.attempts as unknown[]).toHaveLength(1);
    expect(handlerCalls.get('fx-exclusive') ?? 0).toBe(before);
  });
});

describe('timeout and cancel', () => {
  it('aborts a run past its timeout', async () => {
    const { run } = await askForRun('fx-timeout', { payload: { sleepMs: 5_000 } });
    const done = await until(run.id, ['failed', 'completed']);
    expect(done.status).toBe('failed');
    expect(done.error).toBe('Timed out after 300 ms');
    expect(done.durationMs).toBeLessThan(2_000);
  });

  it('stops a running run within a second of cancel', async () => {
    const { run } = await askForRun('probe', { payload: { sleepMs: 20_000, steps: 20 } });
    await until(run.id, ['running']);
    const asked = Date.now();
    await cancelRun(run.id, actor);
    const done = await until(run.id, ['cancelled', 'failed', 'completed'], 3_000);
    expect(done.status).toBe('cancelled');
    expect(Date.now() - asked).toBeLessThan(1_000);
    expect(await db().auditLog.count({ where: { action: 'run.cancel', targetId: run.id } })).toBe(1);
  });

  it('removes a queued run from its queue', async () => {
    await queues().for('maintenance').pause();
    try {
      const { run } = await askForRun('fx-serial');
      const cancelled = await cancelRun(run.id, actor);
      expect(cancelled.status).toBe('cancelled');
      expect(await queues().for('maintenance').getJob(run.id)).toBeUndefined();
    } finally {
      await queues().for('maintenance').resume();
    }
  });

  it('refuses to cancel a finished run with 409', async () => {
    const { run } = await askForRun('probe');
    await until(run.id, ['completed']);
    await expect(cancelRun(run.id, actor)).rejects.toMatchObject({ code: 'invalid_state' });
  });
});

describe('retry of a failed run', () => {
  it('creates a new run with trigger retry pointing back at the failed one', async () => {
    const { run } = await askForRun('probe', { payload: { fail: true } });
    await until(run.id, ['failed']);
    const { run: retried } = await retryRun(run.id, actor);
    expect(retried).toMatchObject({ trigger: 'retry', retryOf: run.id, jobName: 'probe' });
    expect(retried.payload).toEqual(run.payload);
    await until(retried.id, ['failed']);
    await expect(retryRun(retried.id.replace(/.$/, 'x'), actor)).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('dependencies', () => {
  it('runs A → B → C in order, each pointing at the run that caused it', async () => {
    const { run: a } = await askForRun('fx-chain-a', { payload: { sleepMs: 100 } });
    const c = await waitFor(() => db().jobRun.findFirst({ where: { jobName: 'fx-chain-c', status: 'completed' } }), 15_000, 'C to complete');
    const b = await runOf(c.causedBy!);
    expect(b.jobName).toBe('fx-chain-b');
    expect(b.causedBy).toBe(a.id);
    expect(b.trigger).toBe('dependency');
    const aDone = await runOf(a.id);
    expect(b.startedAt!.getTime()).toBeGreaterThanOrEqual(aDone.finishedAt!.getTime());
    expect(c.startedAt!.getTime()).toBeGreaterThanOrEqual(b.finishedAt!.getTime());
  });
});

describe('windows and conditions', () => {
  it('records a scheduled fire outside its window as skipped with the reason, doing no work', async () => {
    const before = handlerCalls.get('fx-windowed') ?? 0;
    const id = await fireSchedule('fx-windowed', 'diagnostics', 'windowed-fire-1');
    const done = await until(id, ['skipped', 'completed', 'failed']);
    expect(done.status).toBe('skipped');
    // The hours in words, and the moment it was judged at.
    expect(done.error).toMatch(/^Outside \d{2}:00–\d{2}:59 UTC \([A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{2}:\d{2}\)$/);
    expect(handlerCalls.get('fx-windowed') ?? 0).toBe(before);
  });

  it('judges the window and the condition by the clock a job brings, not the wall clock', async () => {
    const before = handlerCalls.get('fx-clocked') ?? 0;
    const done = await until(await fireSchedule('fx-clocked', 'diagnostics', 'clocked-fire-1'), ['skipped', 'completed', 'failed']);
    expect(done).toMatchObject({ status: 'completed', error: null });
    expect(handlerCalls.get('fx-clocked') ?? 0).toBe(before + 1);
  });

  it('records a fire whose condition returns a reason as skipped with it, and runs when it holds', async () => {
    const skipped = await until(await fireSchedule('fx-conditional', 'diagnostics', 'conditional-fire-1'), ['skipped', 'completed']);
    expect(skipped).toMatchObject({ status: 'skipped', error: 'No live matches', trigger: 'schedule' });
    await db().jobDefinition.update({ where: { name: 'fx-conditional' }, data: { config: { live: true } } });
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // workers cache a job's config for a second
    const ran = await until(await fireSchedule('fx-conditional', 'diagnostics', 'conditional-fire-2'), ['skipped', 'completed']);
    expect(ran.status).toBe('completed');
  });
});

describe('exclusive jobs (one process; several processes in engine-processes)', () => {
  it('refuses a trigger while one runs with 409 and the holder, and skips a scheduled fire', async () => {
    const { run } = await askForRun('fx-exclusive', { payload: { sleepMs: 1_500 } });
    await until(run.id, ['running']);
    const refused = await askForRun('fx-exclusive').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as ConflictError).details).toEqual({ runId: run.id });
    const fire = await until(await fireSchedule('fx-exclusive', 'diagnostics', 'exclusive-fire-1'), ['skipped', 'completed']);
    expect(fire).toMatchObject({ status: 'skipped', error: `Already running (run ${run.id})` });
    await until(run.id, ['completed']);
    const { run: after } = await askForRun('fx-exclusive');
    expect((await until(after.id, ['completed'])).status).toBe('completed');
  });
});

describe('priorities', () => {
  it('runs manual triggers ahead of scheduled runs waiting in the same queue', async () => {
    const queue = queues().for('maintenance');
    await queue.pause();
    const scheduled: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      await queue.add('fx-serial', { payload: { sleepMs: 50 }, trigger: 'schedule', actor: 'scheduler' } satisfies RunJobData, { jobId: `prio-scheduled-${index}`, priority: 13 });
      scheduled.push(`prio-scheduled-${index}`);
    }
    const { run: manual } = await askForRunInDashboard('fx-serial', { payload: { sleepMs: 50 } });
    await queue.resume();
    const runs = await waitFor(async () => {
      const rows = await db().jobRun.findMany({ where: { id: { in: [...scheduled, manual.id] }, status: 'completed' } });
      return rows.length === 4 ? rows : undefined;
    });
    const order = runs.sort((x, y) => x.startedAt!.getTime() - y.startedAt!.getTime()).map((row) => row.id);
    expect(order[0]).toBe(manual.id);
  });
});

// Every trigger source, the global pause and the job switches on every path: worker/run-policy.int.test.ts.

describe('batches', () => {
  it('puts the batch counts and progress on the run, and fails it below the minimum success ratio', async () => {
    const { run } = await askForRun('fx-batch', { payload: { items: 50, failEvery: 10 } });
    const done = await until(run.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ succeeded: 45, failed: 5 });
    expect(done.counters).toEqual({ apiCalls: 50, batchSucceeded: 45, batchFailed: 5 });
    const { run: bad } = await askForRun('fx-batch', { payload: { items: 50, failEvery: 3 } });
    const failed = await until(bad.id, ['completed', 'failed']);
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe('Batch succeeded for 34 of 50 items (68 %), below the minimum 80 %');
    expect(failed.counters).toMatchObject({ batchFailed: 16, batchSucceeded: 34 });
  });
});

describe('reconciler', () => {
  // What it puts back on the queue instead is in reconciler.int.test.ts.
  it('ends a row the queue no longer has, and cannot run again, as failed with the reason', async () => {
    const old = new Date(Date.now() - 5 * 60_000);
    await db().jobRun.create({ data: { id: 'lost-run-1', jobName: 'probe', status: 'running', trigger: 'api', attempt: 1, startedAt: old, queuedAt: old, updatedAt: old } });
    await db().jobRun.create({ data: { id: 'lost-run-2', jobName: 'no-such-job', status: 'queued', trigger: 'api', queuedAt: old, updatedAt: old } });
    const reconciler = new Reconciler({ db: db(), queues: queues(), redis: redis(), owner: 'test' });
    const result = await reconciler.runOnce();
    expect(result.failed).toBeGreaterThanOrEqual(2);
    const lost = await runOf('lost-run-1');
    expect(lost.status).toBe('failed');
    expect(lost.error).toMatch(/^Lost: the queue no longer has this run .*used all its 1 attempt$/);
    expect(await runOf('lost-run-2')).toMatchObject({ status: 'failed', error: 'Lost: job "no-such-job" is no longer in the catalog' });
  });
});
