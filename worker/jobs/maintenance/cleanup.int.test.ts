import { afterAll, beforeAll, expect, it } from 'vitest';
import { startInProcessWorker, stopInProcessWorker } from '@/scripts/test/in-process-worker.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { db } from '@/lib/db.ts';
import { enqueueRun } from '@/lib/runs/enqueue-run.ts';
import { Runner } from '../../runner.ts';
import { cleanupHandler } from './cleanup.ts';

const prefix = useOwnQueuePrefix('cleanup');
let runner: Runner;
beforeAll(async () => {
  runner = await startInProcessWorker(prefix, [cleanupHandler as never]);
});
afterAll(() => stopInProcessWorker(runner));

it('removes expired sessions and finished runs past retention, keeps the rest, and reports what it did', async () => {
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
  const user = await db().user.create({ data: { email: `cleanup-${Date.now()}@test`, passwordHash: 'x' } });
  await db().session.createMany({
    data: [
      { id: `s-old-${user.id}`, userId: user.id, expiresAt: new Date(Date.now() - 2 * 3_600_000) },
      { id: `s-recent-${user.id}`, userId: user.id, expiresAt: new Date(Date.now() - 5 * 60_000) },
      { id: `s-live-${user.id}`, userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) },
    ],
  });
  await db().jobRun.createMany({
    data: [
      { id: 'cleanup-old-done', jobName: 'probe', status: 'completed', trigger: 'api', queuedAt: daysAgo(40) },
      { id: 'cleanup-old-failed', jobName: 'probe', status: 'failed', trigger: 'api', queuedAt: daysAgo(31) },
      { id: 'cleanup-old-running', jobName: 'probe', status: 'running', trigger: 'api', queuedAt: daysAgo(40) },
      { id: 'cleanup-young-done', jobName: 'probe', status: 'completed', trigger: 'api', queuedAt: daysAgo(2) },
    ],
  });
  const { run } = await enqueueRun('cleanup', { trigger: 'manual' });
  const done = await waitFor(async () => {
    const row = await db().jobRun.findUniqueOrThrow({ where: { id: run.id } });
    return row.status === 'completed' || row.status === 'failed' ? row : undefined;
  }, 15_000, 'cleanup to finish');
  expect(done.status).toBe('completed');
  expect(done.result).toMatchObject({ deleted: { sessions: expect.any(Number), runs: 2 }, retentionDays: 30, errors: 0 });
  const left = await db().jobRun.findMany({ where: { id: { startsWith: 'cleanup-' } }, select: { id: true } });
  expect(left.map((row) => row.id).sort()).toEqual(['cleanup-old-running', 'cleanup-young-done']);
  const sessions = await db().session.findMany({ where: { userId: user.id }, select: { id: true } });
  expect(sessions.map((session) => session.id).sort()).toEqual([`s-live-${user.id}`, `s-recent-${user.id}`]);
  expect(done.counters).toMatchObject({ runsDeleted: 2 });
});
