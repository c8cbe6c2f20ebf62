import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessWorker, stopInProcessWorker } from '@/scripts/test/in-process-worker.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { db } from '@/lib/db.ts';
import { NotFoundError, ValidationError } from '@/lib/errors.ts';
import type { RunAttempt } from '@/lib/jobs/run-state.ts';
import { askForRun, askForRunInDashboard } from '@/scripts/test/ask-for-run.ts';
import { handlers } from './jobs/index.ts';
import type { StartedWorker } from './start-worker.ts';

const prefix = useOwnQueuePrefix('runner');
let runner: StartedWorker;

beforeAll(async () => {
  runner = await startInProcessWorker(prefix, handlers);
});

afterAll(() => stopInProcessWorker(runner));

const finished = (id: string) =>
  waitFor(async () => {
    const run = await db().jobRun.findUnique({ where: { id } });
    return run && ['completed', 'failed', 'cancelled'].includes(run.status) ? run : undefined;
  }, 15_000, `run ${id} to finish`);

describe('probe on a real worker', () => {
  it('records a completed run with attempt, timestamps, duration, progress, counters and result', async () => {
    const { run } = await askForRun('probe', { payload: { steps: 3, sleepMs: 60 } });
    expect(run.status).toBe('queued');
    const done = await finished(run.id);
    expect(done.status).toBe('completed');
    expect(done.attempt).toBe(1);
    expect(done.startedAt).not.toBeNull();
    expect(done.finishedAt!.getTime()).toBeGreaterThanOrEqual(done.startedAt!.getTime());
    expect(done.durationMs).toBeGreaterThanOrEqual(50);
    expect(done.progress).toBe(100);
    expect(done.counters).toEqual({ steps: 3 });
    expect(done.result).toEqual({ steps: 3, sleptMs: 60 });
    expect(done.workerId).toBe(runner.workerId);
    const attempts = done.attempts as unknown as RunAttempt[];
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ attempt: 1, workerId: runner.workerId });
    expect(attempts[0]!.finishedAt).toBeDefined();
  });

  it('records a failed run with its error on the run and on the attempt', async () => {
    const { run } = await askForRunInDashboard('probe', { payload: { fail: true, steps: 2 } });
    const done = await finished(run.id);
    expect(done.status).toBe('failed');
    expect(done.error).toBe('Probe failed on request after 2 step(s)');
    expect(done.errorStack).toContain('ProbeFailure');
    const attempts = done.attempts as unknown as RunAttempt[];
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.error).toBe('Probe failed on request after 2 step(s)');
  });

  it('refuses a payload that fails the schema before anything is written', async () => {
    const before = await db().jobRun.count();
    const error = await askForRun<string>('probe', { payload: { sleepMs: -1, steps: 500, extra: 1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const { fieldErrors } = (error as ValidationError).details as { fieldErrors: Record<string, string[]> };
    expect(Object.keys(fieldErrors).sort()).toEqual(['sleepMs', 'steps']);
    expect((error as ValidationError).details).toMatchObject({ formErrors: [expect.stringMatching(/extra/)] });
    expect(await db().jobRun.count()).toBe(before);
  });

  it('refuses an unknown job', async () => {
    await expect(askForRun('no-such-job')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('yields one run for the same requestId', async () => {
    const first = await askForRun('probe', { requestId: 'same-request-1' });
    const second = await askForRun('probe', { requestId: 'same-request-1' });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.run.id).toBe(first.run.id);
    expect(await db().jobRun.count({ where: { requestId: 'same-request-1' } })).toBe(1);
  });
});
