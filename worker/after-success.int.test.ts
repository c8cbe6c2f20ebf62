/**
 * What a completed run sets off (worker/after-success.ts): the web app's cache tags its job
 * declares (`defineJob({ cacheTags })`) are revalidated through the internal route, over HTTP
 * as in production — once the run is written, and not for a run that failed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { askForRun } from '@/scripts/test/ask-for-run.ts';
import { startInProcessWorker, stopInProcessWorker } from '@/scripts/test/in-process-worker.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { InternalWebApp } from '@/scripts/test/stats-stage.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { db } from '@/lib/db.ts';
import { registerJobs } from '@/lib/jobs/catalog.ts';
import { defineJob } from '@/lib/jobs/define-job.ts';
import { defineHandler } from './define-handler.ts';
import type { StartedWorker } from './start-worker.ts';

const prefix = useOwnQueuePrefix('after-success');
const web = new InternalWebApp();
const taggedJob = defineJob({
  name: 'fx-tagged',
  category: 'diagnostics',
  description: 'Declares the web cache tags over what it writes',
  cacheTags: ['stats:season', 'stats:records'],
  retry: { attempts: 1, backoff: 'none' },
  payload: z.object({ fail: z.boolean().default(false) }),
});
registerJobs([taggedJob]);
let worker: StartedWorker;

beforeAll(async () => {
  await web.start();
  process.env.PUBLIC_URL = web.url; // before anything reads the environment
  worker = await startInProcessWorker(prefix, [
    defineHandler(taggedJob, async (ctx) => {
      if (ctx.payload.fail) throw new Error('no');
      return { wrote: true };
    }),
  ]);
});

afterAll(async () => {
  await stopInProcessWorker(worker);
  await web.stop();
});

const finished = (id: string) => waitFor(async () => {
  const run = await db().jobRun.findUnique({ where: { id } });
  return run && ['completed', 'failed'].includes(run.status) ? run : undefined;
}, 10_000, `run ${id} to finish`);

it("revalidates the job's cache tags when a run completes, and not when it fails", async () => {
  const { run: failing } = await askForRun('fx-tagged', { payload: { fail: true } });
  expect((await finished(failing.id)).status).toBe('failed');
  const { run } = await askForRun('fx-tagged');
  expect((await finished(run.id)).status).toBe('completed');
  const call = await waitFor(async () => web.calls[0], 5_000, 'the internal cache route to be called');
  expect(web.calls).toHaveLength(1);
  expect([...call.tags].sort()).toEqual(['stats:records', 'stats:season']);
  // The real route answered with the internal key accepted (revalidateTag itself refuses outside Next: reported, not an error).
  expect(call.status).toBe(200);
});
