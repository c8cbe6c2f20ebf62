/**
 * The benchmark's worker process: a Kickoff worker running only the no-op bench job. Prints
 * `ready` once it takes work and `peak-rss <bytes>` when it stops (SIGTERM).
 */
import { z } from 'zod';
import { db } from '../lib/db.ts';
import { registerJobs } from '../lib/jobs/catalog.ts';
import { defineJob } from '../lib/jobs/define-job.ts';
import { defineHandler } from '../worker/define-handler.ts';
import { startWorker } from '../worker/start-worker.ts';

export const benchJob = defineJob({
  name: 'bench-noop',
  category: 'diagnostics',
  description: 'Does nothing, for the benchmark',
  retry: { attempts: 1, backoff: 'none' },
  payload: z.object({ i: z.number().int() }),
});
registerJobs([benchJob]);

if (process.argv[1]?.endsWith('bench-worker.ts')) {
  // The production assembly, as worker/main.ts starts it (no league pack, no schedulers: only the bench job runs).
  const worker = await startWorker({
    handlers: [defineHandler(benchJob, async () => null)],
    concurrency: { diagnostics: Number(process.env.BENCH_CONCURRENCY ?? 50) },
    syncCatalog: false,
    bootstrapAccess: false,
    schedulers: false,
    league: false,
  });
  console.log('ready');
  process.on('SIGTERM', async () => {
    await worker.stop(10_000);
    console.log(`writes ${worker.statusWriter.stats.rows} ${worker.statusWriter.stats.statements}`);
    // The kernel's high-water mark (KiB): exact, and nothing sampled while the worker runs.
    console.log(`peak-rss ${process.resourceUsage().maxRSS * 1024}`);
    await db().$disconnect();
    process.exit(0);
  });
}
