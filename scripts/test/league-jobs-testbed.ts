import { randomUUID } from 'node:crypto';
import type { JobRun } from '@/generated/prisma/client.ts';
import { TwoLevelCache } from '@/lib/cache/two-level-cache.ts';
import { db } from '@/lib/db.ts';
import { findJob } from '@/lib/jobs/catalog.ts';
import { UpstreamClient } from '@/lib/league/upstream-client.ts';
import { LeagueClock } from '@/lib/league/league-clock.ts';
import type { RunJobData } from '@/lib/queue/run-job-data.ts';
import { queues } from '@/lib/queue/queues.ts';
import { createRedis } from '@/lib/redis.ts';
import { askForRun } from '@/scripts/test/ask-for-run.ts';
import type { JobHandler } from '@/worker/define-handler.ts';
import { closeLeagueServices, useLeagueServices } from '@/worker/jobs/league/league-services.ts';
import type { StartedWorker } from '@/worker/start-worker.ts';
import { createUpstreamServer, type UpstreamServer } from '../upstream/server.ts';
import { startInProcessWorker, stopInProcessWorker } from './in-process-worker.ts';
import { waitFor } from './wait-for.ts';

/**
 * A stage for league job tests: the upstream simulator on a free port with its clock stopped
 * (it moves only when a test moves it), a worker in this process running the given handlers
 * with the simulator as upstream, and the worker's cache on the test file's prefix. Call
 * useOwnDatabase and useOwnQueuePrefix first; register the jobs (registerJobs) before start.
 */
export class LeagueJobsTestbed {
  readonly cache: TwoLevelCache;
  private constructor(
    readonly upstream: UpstreamServer,
    readonly upstreamUrl: string,
    private readonly runner: StartedWorker,
    cache: TwoLevelCache,
  ) {
    this.cache = cache;
  }

  static async start(prefix: string, handlers: JobHandler[], options: { entries: number }): Promise<LeagueJobsTestbed> {
    const upstream = createUpstreamServer({ entries: options.entries, speed: 0 });
    const url = `http://127.0.0.1:${await upstream.listen(0)}`;
    const cache = await LeagueJobsTestbed.newCache(prefix);
    useLeagueServices({ upstream: () => new UpstreamClient({ baseUrl: url }), cache, clock: new LeagueClock({ baseUrl: url, maxAgeMs: 0 }) });
    const runner = await startInProcessWorker(prefix, handlers);
    return new LeagueJobsTestbed(upstream, url, runner, cache);
  }

  /** Another cache on the prefix, as another process would have (close it yourself). */
  static async newCache(prefix: string): Promise<TwoLevelCache> {
    const cache = new TwoLevelCache({ redis: createRedis('client'), prefix });
    await cache.start();
    return cache;
  }

  async stop(): Promise<void> {
    await closeLeagueServices();
    await stopInProcessWorker(this.runner);
    await this.upstream.close();
  }

  /** POSTs to the simulator's admin routes (`/admin/clock`, `/admin/faults`, `/admin/faults/reset`). */
  async admin(path: string, body: unknown = {}): Promise<void> {
    const response = await fetch(`${this.upstreamUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`simulator ${path} answered ${response.status}: ${await response.text()}`);
  }

  /** Triggers a run as an API client would and waits for it to end. */
  async run(jobName: string, payload: unknown = {}): Promise<JobRun> {
    const { run } = await askForRun(jobName, { payload });
    return this.untilFinal(run.id);
  }

  /** Adds a run the way a job scheduler does when the schedule fires (so its condition is asked) and waits for it to end. */
  async fire(jobName: string): Promise<JobRun> {
    const job = findJob(jobName);
    if (!job) throw new Error(`job ${jobName} is not registered`);
    const id = `fire-${jobName}-${randomUUID()}`;
    const data: RunJobData = { payload: {}, trigger: 'schedule', actor: 'scheduler', source: 'schedule' };
    await queues().for(job.category).add(jobName, data, { jobId: id, priority: 13, attempts: job.retry.attempts });
    return this.untilFinal(id);
  }

  untilStatus(runId: string, statuses: readonly string[], timeoutMs = 20_000): Promise<JobRun> {
    return waitFor(
      async () => {
        const run = await db().jobRun.findUnique({ where: { id: runId } });
        return run && statuses.includes(run.status) ? run : undefined;
      },
      timeoutMs,
      `run ${runId} to reach ${statuses.join('|')}`,
    );
  }

  untilFinal(runId: string, timeoutMs?: number): Promise<JobRun> {
    return this.untilStatus(runId, ['completed', 'failed', 'skipped', 'cancelled'], timeoutMs);
  }
}
