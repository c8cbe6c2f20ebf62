/**
 * The categories' rate limits (lib/jobs/categories.ts) hold across worker processes: two
 * fixture workers (the production assembly, each its own process) share the analysis queue
 * (2 starts a second) and the hybrid queue (5 a second). BullMQ's limiter counts in fixed
 * windows that open with the first start after the last one closed, so the starts (BullMQ's
 * `processedOn`) are cut into such windows and none may hold more than the limit; without the
 * limiter the backlog would start in a few milliseconds.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db.ts';
import { rateLimitOf, type Category } from '@/lib/jobs/categories.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';
import { askForRuns } from '@/scripts/test/ask-for-run.ts';
import '@/scripts/test/fixtures/engine-jobs.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { startFixtureWorker, stopWorker, type WorkerProcess } from '@/scripts/test/worker-processes.ts';

useOwnQueuePrefix('category-limits');
const started: WorkerProcess[] = [];

afterAll(async () => {
  await Promise.all(started.map((worker) => stopWorker(worker)));
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

/**
 * The starts cut into the limiter's windows: each opens at the first start not in the one
 * before and lasts `durationMs` less `slackMs` (the start time is the worker's clock just before
 * it asked Redis, so a start at a window's very end may read a little early). Returns how many
 * started in each.
 */
function windows(starts: number[], durationMs: number, slackMs: number): number[] {
  const sorted = [...starts].sort((a, b) => a - b);
  const counts: number[] = [];
  let opened = -Infinity;
  for (const start of sorted) {
    if (start >= opened + durationMs - slackMs) {
      opened = start;
      counts.push(0);
    }
    counts[counts.length - 1]! += 1;
  }
  return counts;
}

async function startsOf(category: Category, jobName: string, runs: number) {
  const ids = await askForRuns(jobName, Array.from({ length: runs }, () => ({ sleepMs: 0 })));
  const done = await waitFor(async () => {
    const rows = await db().jobRun.findMany({ where: { id: { in: ids } } });
    return rows.length === runs && rows.every((row) => row.status === 'completed') ? rows : undefined;
  }, 30_000, `${runs} runs of ${jobName} to complete`);
  const jobs = await Promise.all(ids.map((id) => queues().for(category).getJob(id)));
  return { starts: jobs.map((job) => job!.processedOn!), workers: new Set(done.map((row) => row.workerId)) };
}

describe('category rate limits across two worker processes', () => {
  it('no more runs start per window than the category allows, counted across both workers', { timeout: 90_000 }, async () => {
    started.push(...(await Promise.all([startFixtureWorker(), startFixtureWorker()])));
    const [analysis, hybrid] = await Promise.all([startsOf('analysis', 'fx-analytics', 12), startsOf('hybrid', 'fx-batch-work', 20)]);

    for (const [category, measured, runs] of [['analysis', analysis, 12], ['hybrid', hybrid, 20]] as const) {
      const limit = rateLimitOf(category)!;
      // both workers took runs: the limit is the queue's, not each worker's
      expect(measured.workers.size, category).toBe(2);
      const perWindow = windows(measured.starts, limit.durationMs, 50);
      expect(Math.max(...perWindow), `${category}: starts per window ${perWindow.join(', ')}`).toBeLessThanOrEqual(limit.max);
      // and so the backlog took as many windows as the limit makes it
      expect(perWindow.length, category).toBeGreaterThanOrEqual(Math.ceil(runs / limit.max));
      const span = Math.max(...measured.starts) - Math.min(...measured.starts);
      expect(span, category).toBeGreaterThanOrEqual((Math.ceil(runs / limit.max) - 1) * limit.durationMs - 50);
    }
  });
});
