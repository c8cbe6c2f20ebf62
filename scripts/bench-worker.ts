/**
 * The benchmark's worker process: a Kickoff worker running only the no-op bench job. Prints
 * `ready` once it takes work and `peak-rss <bytes>` when it stops (SIGTERM).
 */
import { z } from 'zod';
import { db } from '../lib/db.ts';
import { env } from '../lib/env.ts';
import { registerJobs } from '../lib/jobs/catalog.ts';
import { defineJob } from '../lib/jobs/define-job.ts';
import { createRedis } from '../lib/redis.ts';
import { defineHandler } from '../worker/define-handler.ts';
import { Runner } from '../worker/runner.ts';

export const benchJob = defineJob({
  name: 'bench-noop',
  category: 'diagnostics',
  description: 'Does nothing, for the benchmark',
  retry: { attempts: 1, backoff: 'none' },
  payload: z.object({ i: z.number().int() }),
});
registerJobs([benchJob]);

if (process.argv[1]?.endsWith('bench-worker.ts')) {
  let peakRss = process.memoryUsage.rss();
  setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50).unref();
  const runner = new Runner({
    db: db(),
    connect: () => createRedis('worker'),
    prefix: env().QUEUE_PREFIX,
    handlers: [defineHandler(benchJob, async () => null)],
    concurrency: { diagnostics: Number(process.env.BENCH_CONCURRENCY ?? 50) },
  });
  await runner.start();
  console.log('ready');
  process.on('SIGTERM', async () => {
    await runner.close(10_000);
    console.log(`writes ${runner.statusWriter.stats.rows} ${runner.statusWriter.stats.statements}`);
    console.log(`peak-rss ${peakRss}`);
    await db().$disconnect();
    process.exit(0);
  });
}
