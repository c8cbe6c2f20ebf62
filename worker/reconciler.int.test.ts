/**
 * The reconciler's rules for runs whose BullMQ job is gone, on real PostgreSQL and Redis: a
 * run PostgreSQL still has unfinished is put back on its queue from its row, once; a running one
 * as its next attempt; one that used all its attempts, or was cancelled, is ended instead; a run
 * BullMQ still has (held, delayed, in a paused queue) and a row younger than the floor are left
 * alone.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { engineHandlers, handlerCalls } from '@/scripts/test/fixtures/engine-jobs.ts';
import { startInProcessWorker, stopInProcessWorker } from '@/scripts/test/in-process-worker.ts';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { askForRun } from '@/scripts/test/ask-for-run.ts';
import { db } from '@/lib/db.ts';
import type { RunAttempt, RunStatus } from '@/lib/jobs/run-state.ts';
import { queues } from '@/lib/queue/queues.ts';
import type { RunJobData } from '@/lib/queue/run-job-data.ts';
import { kickoffKeys } from '@/lib/redis-keys.ts';
import { redis } from '@/lib/redis.ts';
import { createRun } from '@/lib/runs/create-runs.ts';
import { writeSetting } from '@/lib/settings.ts';
import { handlers } from './jobs/index.ts';
import { Reconciler } from './reconciler.ts';
import type { StartedWorker } from './start-worker.ts';

const prefix = useOwnQueuePrefix('reconciler');
// Kickoff is paused in one test: a database of its own keeps other files' runs out of it.
await useOwnDatabase('reconciler');

const diagnostics = () => queues().for('diagnostics');
const reconciler = () => new Reconciler({ db: db(), queues: queues(), redis: redis(), owner: 'test', staleAfterMs: 60_000, floorMs: 10_000 });
const runOf = (id: string) => db().jobRun.findUniqueOrThrow({ where: { id } });
const notesOf = (id: string) => db().runEvent.findMany({ where: { runId: id, message: { contains: 'Put back on its queue' } } });
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

/** Sets the scene: the row last touched `at` (the run store never backdates a row). */
const touchedAt = (id: string, at: Date) => db().jobRun.update({ where: { id }, data: { updatedAt: at } });

/** A run row as the worker leaves it mid-attempt, with no BullMQ job behind it. */
async function unfinishedRow(id: string, jobName: string, status: RunStatus, attempt: number, extra: { workerId?: string; payload?: object; maxAttempts?: number } = {}) {
  const at = minutesAgo(5);
  const attempts: RunAttempt[] = Array.from({ length: attempt }, (_, index) => ({ attempt: index + 1, at: at.toISOString(), workerId: extra.workerId ?? 'gone-worker' }));
  await db().jobRun.create({
    data: {
      id,
      jobName,
      status,
      trigger: 'api',
      source: 'api',
      actor: 'key:test',
      payload: extra.payload ?? {},
      attempt,
      maxAttempts: extra.maxAttempts ?? 3,
      attempts: attempts as object[],
      workerId: extra.workerId ?? 'gone-worker',
      queuedAt: at,
      startedAt: attempt > 0 ? at : null,
      updatedAt: at,
    },
  });
}

/** Every key of this file's prefix, as a Redis restarted without persistence would have none. */
async function forgetEverything() {
  const keys = await redis().keys(`${prefix}*`);
  if (keys.length > 0) await redis().del(...keys);
}

beforeEach(async () => {
  await db().runEvent.deleteMany();
  await db().jobRun.deleteMany();
  await db().workerHeartbeat.deleteMany();
  await diagnostics().obliterate({ force: true });
});

afterAll(async () => {
  await stopInProcessWorker(undefined);
});

describe('a run whose job is gone', () => {
  it('is put back on its queue from its row, with the same job the pipeline added, once', async () => {
    const { run } = await askForRun('probe', { payload: { sleepMs: 5, steps: 2 }, requestId: 'put-back-1', source: 'deploy' });
    const original = (await diagnostics().getJob(run.id))!;
    await original.remove(); // by hand, as an operator in another tool might
    await touchedAt(run.id, minutesAgo(2));

    const first = await reconciler().runOnce();
    expect(first).toMatchObject({ requeued: 1, failed: 0, completed: 0, cancelled: 0 });
    const back = (await diagnostics().getJob(run.id)) as Job<RunJobData>;
    expect(back.name).toBe(original.name);
    expect(back.data).toEqual(original.data);
    expect(back.data).toEqual({ payload: { sleepMs: 5, steps: 2, fail: false }, trigger: 'api', source: 'deploy', actor: 'key:test', requestId: 'put-back-1' });
    expect([back.opts.priority, back.opts.attempts, back.opts.backoff]).toEqual([original.opts.priority, original.opts.attempts, original.opts.backoff]);
    expect(await back.getState()).toBe('prioritized');
    const row = await runOf(run.id);
    expect([row.status, row.attempt]).toEqual(['queued', 0]);
    expect((await notesOf(run.id)).map((note) => [note.message, note.level])).toEqual([['Put back on its queue: Redis no longer had it', 'warn']]);

    // Again at once (the row is young now), and again once it is old: BullMQ has the job, nothing to do.
    expect((await reconciler().runOnce()).requeued).toBe(0);
    await touchedAt(run.id, minutesAgo(2));
    const third = await reconciler().runOnce();
    expect(third).toMatchObject({ checked: 1, requeued: 0 });
    expect(await notesOf(run.id)).toHaveLength(1);
    expect(await diagnostics().getJobCounts('prioritized')).toEqual({ prioritized: 1 });
  });

  it('is put back when only part of its job is gone: the data evicted, or the data left in no list', async () => {
    const { run: evicted } = await askForRun('probe', { payload: { steps: 1 } });
    const { run: unlisted } = await askForRun('probe', { payload: { steps: 2 } });
    await redis().del(diagnostics().toKey(evicted.id)); // the id stays in the queue's prioritized set
    await redis().zrem(diagnostics().toKey('prioritized'), unlisted.id); // the data stays
    await touchedAt(evicted.id, minutesAgo(2));
    await touchedAt(unlisted.id, minutesAgo(2));

    expect(await reconciler().runOnce()).toMatchObject({ checked: 2, requeued: 2 });
    for (const [run, steps] of [[evicted, 1], [unlisted, 2]] as const) {
      expect(await diagnostics().getJobState(run.id)).toBe('prioritized');
      expect((await diagnostics().getJob(run.id))!.data.payload).toEqual({ sleepMs: 0, steps, fail: false });
    }
    expect(await diagnostics().getJobCounts('prioritized')).toEqual({ prioritized: 2 });
  });

  it('puts a running run back as its next attempt, and a retrying one as its next', async () => {
    await unfinishedRow('lost-running', 'fx-flaky', 'running', 1, { payload: { failAttempts: 1 } });
    await unfinishedRow('lost-retrying', 'fx-flaky', 'retrying', 2, { payload: { failAttempts: 2 } });

    expect(await reconciler().runOnce()).toMatchObject({ checked: 2, requeued: 2 });
    const running = await runOf('lost-running');
    // Waits for its next attempt; the row keeps the number of the one Redis lost.
    expect([running.status, running.attempt]).toEqual(['retrying', 1]);
    expect(running.error).toBe('Attempt 1 was lost with Redis (Redis no longer had this run): put back on its queue for attempt 2');
    expect((await diagnostics().getJob('lost-running'))!.data.attemptsBefore).toBe(1);
    const retrying = await runOf('lost-retrying');
    expect([retrying.status, retrying.attempt]).toEqual(['retrying', 2]);
    expect((await notesOf('lost-retrying')).map((note) => [note.message, note.attempt])).toEqual([['Put back on its queue for attempt 3: Redis no longer had it', 2]]);
    expect((await diagnostics().getJob('lost-retrying'))!.data.attemptsBefore).toBe(2);
  });

  it('ends a running run that had used all its attempts as failed, with the reason', async () => {
    await unfinishedRow('lost-last', 'probe', 'running', 1, { maxAttempts: 1 });
    expect(await reconciler().runOnce()).toMatchObject({ requeued: 0, failed: 1 });
    const row = await runOf('lost-last');
    expect(row.status).toBe('failed');
    expect(row.error).toBe('Lost: the queue no longer has this run (Redis lost it or it was removed) and it had used all its 1 attempt');
    expect(await diagnostics().getJob('lost-last')).toBeUndefined();
  });

  it('does not put back a run cancelled on purpose', async () => {
    await unfinishedRow('cancel-marked', 'probe', 'queued', 0);
    await redis().set(kickoffKeys.cancelled(prefix, 'cancel-marked'), '1', 'EX', 60);
    await unfinishedRow('cancelled-row', 'probe', 'queued', 0);
    await db().jobRun.update({ where: { id: 'cancelled-row' }, data: { status: 'cancelled', updatedAt: minutesAgo(5) } });

    expect(await reconciler().runOnce()).toMatchObject({ checked: 1, requeued: 0, cancelled: 1 });
    const marked = await runOf('cancel-marked');
    expect([marked.status, marked.error]).toEqual(['cancelled', 'Cancelled (its job was taken off the queue)']);
    expect((await runOf('cancelled-row')).status).toBe('cancelled');
    expect(await diagnostics().getJob('cancel-marked')).toBeUndefined();
    expect(await diagnostics().getJob('cancelled-row')).toBeUndefined();
  });

  it('leaves a running run to its worker while that worker is alive', async () => {
    await unfinishedRow('alive-running', 'fx-flaky', 'running', 1, { workerId: 'alive-worker' });
    await db().workerHeartbeat.create({ data: { id: 'alive-worker', host: 'test', pid: 1, lastSeenAt: new Date() } });
    expect(await reconciler().runOnce()).toMatchObject({ checked: 1, requeued: 0, failed: 0 });
    expect((await runOf('alive-running')).status).toBe('running');

    await db().workerHeartbeat.update({ where: { id: 'alive-worker' }, data: { lastSeenAt: minutesAgo(2) } });
    expect(await reconciler().runOnce()).toMatchObject({ requeued: 1 });
  });

  it('leaves a row younger than the floor alone: the pipeline may be adding its job', async () => {
    const { run } = await askForRun('probe', { payload: {} });
    await (await diagnostics().getJob(run.id))!.remove();
    await touchedAt(run.id, new Date(Date.now() - 3_000));
    await forgetEverything(); // even when Redis has just lost everything
    expect(await reconciler().runOnce()).toMatchObject({ checked: 0, requeued: 0 });
    expect(await notesOf(run.id)).toEqual([]);

    await touchedAt(run.id, new Date(Date.now() - 11_000));
    expect(await reconciler().runOnce()).toMatchObject({ checked: 1, requeued: 1 });
  });

  it('checks young rows at once when Redis has lost its data, and only stale ones otherwise', async () => {
    // This Redis has had the reconciler's mark for ten minutes: only stale rows are checked.
    await redis().set(kickoffKeys.reconcilerMark(prefix), String(Date.now() - 10 * 60_000));
    await unfinishedRow('young-lost', 'probe', 'queued', 0);
    await touchedAt('young-lost', new Date(Date.now() - 20_000)); // past the floor, not yet stale
    expect(await reconciler().runOnce()).toMatchObject({ checked: 0, requeued: 0 });

    await forgetEverything();
    expect(await reconciler().runOnce()).toMatchObject({ checked: 1, requeued: 1 });
    expect(await redis().get(kickoffKeys.reconcilerMark(prefix))).not.toBeNull();
  });
});

describe('a run BullMQ still has', () => {
  let worker: StartedWorker | undefined;
  afterEach(async () => {
    await writeSetting(db(), 'engine.paused', false, null);
    await worker?.stop(5_000);
    worker = undefined;
    await diagnostics().resume();
  });

  it('is left alone: held while Kickoff is paused, or queued in a paused queue', async () => {
    await writeSetting(db(), 'engine.paused', true, null);
    worker = await startInProcessWorker(prefix, [...handlers, ...engineHandlers]);
    // A run the system asks for while paused is queued and held by the worker's gate (a delayed job).
    const { run: held } = await createRun({ kind: 'system', trigger: 'event', actor: 'database' }, { job: 'probe', payload: {} });
    await waitFor(async () => (await diagnostics().getJobState(held.id)) === 'delayed', 10_000, 'the gate to hold the run');
    await worker.stop(5_000);
    worker = undefined;

    await diagnostics().pause();
    const { run: paused } = await createRun({ kind: 'system', trigger: 'event', actor: 'database' }, { job: 'probe', payload: {} });
    await touchedAt(held.id, minutesAgo(10));
    await touchedAt(paused.id, minutesAgo(10));

    expect(await reconciler().runOnce()).toMatchObject({ checked: 2, requeued: 0, failed: 0, completed: 0, cancelled: 0 });
    expect((await runOf(held.id)).status).toBe('queued');
    expect((await runOf(paused.id)).status).toBe('queued');
    expect(await diagnostics().getJobState(held.id)).toBe('delayed');
    expect(await diagnostics().getJobState(paused.id)).not.toBe('unknown');
    expect(await notesOf(held.id)).toEqual([]);
  });

  it('runs a re-queued run to the end, numbering its attempts on from the row', async () => {
    await unfinishedRow('lost-then-run', 'fx-flaky', 'running', 1, { payload: { failAttempts: 2 } });
    expect(await reconciler().runOnce()).toMatchObject({ requeued: 1 });
    const callsBefore = handlerCalls.get('fx-flaky') ?? 0;
    worker = await startInProcessWorker(prefix, [...handlers, ...engineHandlers]);
    const done = await waitFor(async () => {
      const row = await runOf('lost-then-run');
      return row.status === 'completed' || row.status === 'failed' ? row : undefined;
    }, 15_000, 'the re-queued run to end');
    // Attempt 1 was lost; attempt 2 failed as its payload asks; attempt 3 (its last of 3) succeeded.
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ succeededOnAttempt: 3 });
    expect((done.attempts as unknown as RunAttempt[]).map((attempt) => attempt.attempt)).toEqual([1, 2, 3]);
    // Two tries here: the lost one counted against its three.
    expect((handlerCalls.get('fx-flaky') ?? 0) - callsBefore).toBe(2);
  });
});
