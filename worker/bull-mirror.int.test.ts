/**
 * What a run reports reaches its BullMQ job too (worker/bull-mirror.ts), so a peer BullMQ
 * dashboard on the same Redis (bull-board, Taskforce) shows what Kickoff shows: the progress
 * and the log lines, batched, on a real worker.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { askForRun } from '@/scripts/test/ask-for-run.ts';
import { startInProcessWorker, stopInProcessWorker } from '@/scripts/test/in-process-worker.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { z } from 'zod';
import { db } from '@/lib/db.ts';
import { registerJobs } from '@/lib/jobs/catalog.ts';
import { defineJob } from '@/lib/jobs/define-job.ts';
import { queues } from '@/lib/queue/queues.ts';
import { defineHandler } from './define-handler.ts';
import { probeHandler } from './jobs/diagnostics/probe.ts';
import type { StartedWorker } from './start-worker.ts';

const prefix = useOwnQueuePrefix('bull-mirror');
const silentJob = defineJob({ name: 'fx-silent', category: 'diagnostics', description: 'Reports nothing', retry: { backoff: 'none' }, payload: z.object({}) });
registerJobs([silentJob]);
let worker: StartedWorker;
beforeAll(async () => {
  worker = await startInProcessWorker(prefix, [probeHandler, defineHandler(silentJob, async () => null)]);
});
afterAll(() => stopInProcessWorker(worker));

it('mirrors progress and log lines onto the BullMQ job, as Kickoff records them', async () => {
  const { run } = await askForRun('probe', { payload: { steps: 4, sleepMs: 400 } });
  const queue = queues().for('diagnostics');
  // While it runs, the BullMQ job's progress moves (a flush every 250 ms).
  const midway = await waitFor(async () => {
    const progress = (await queue.getJob(run.id))?.progress;
    return typeof progress === 'number' && progress > 0 && progress < 100 ? progress : undefined;
  }, 5_000, 'progress on the BullMQ job while the run runs');
  expect(midway).toBeGreaterThan(0);
  await waitFor(async () => ((await db().jobRun.findUniqueOrThrow({ where: { id: run.id } })).status === 'completed' ? true : undefined), 10_000, 'the run to complete');
  const job = await waitFor(async () => {
    const found = await queue.getJob(run.id);
    return found?.progress === 100 ? found : undefined;
  }, 5_000, 'the finished progress on the BullMQ job');
  expect(job.progress).toBe(100);
  const { logs } = await queue.getJobLogs(run.id);
  const recorded = await db().runEvent.findMany({ where: { runId: run.id, kind: 'log' }, orderBy: { id: 'asc' } });
  expect(logs).toEqual(recorded.map((event) => event.message));
  expect(logs).toEqual(['step 1 of 4', 'step 2 of 4', 'step 3 of 4', 'step 4 of 4']);
});

it('writes nothing to a BullMQ job whose run reports nothing', async () => {
  const { run } = await askForRun('fx-silent');
  await waitFor(async () => ((await db().jobRun.findUniqueOrThrow({ where: { id: run.id } })).status === 'completed' ? true : undefined), 10_000, 'the run to complete');
  await new Promise((resolve) => setTimeout(resolve, 400)); // past a mirror flush
  const job = await queues().for('diagnostics').getJob(run.id);
  expect(job?.progress).toBe(0);
  expect((await queues().for('diagnostics').getJobLogs(run.id)).logs).toEqual([]);
});
