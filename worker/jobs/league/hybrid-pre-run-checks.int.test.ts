/**
 * The hybrid jobs' pre-run checks (hybrid-pre-run-checks.ts) on a real worker in this process
 * against the upstream simulator: entry-updates and tournament-event-data do not start — they
 * are recorded `skipped` with the reason and ask the upstream nothing — while the shared
 * upstream limit is paused by a Retry-After or spent, or while the cache does not answer; and
 * they start once all is well.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwoLevelCache } from '@/lib/cache/two-level-cache.ts';
import { db } from '@/lib/db.ts';
import { entryUpdatesJob } from '@/lib/jobs/definitions/league/entry-updates.ts';
import { tournamentEventDataJob } from '@/lib/jobs/definitions/league/tournament-event-data.ts';
import { UpstreamClient } from '@/lib/league/upstream-client.ts';
import { LeagueClock } from '@/lib/league/league-clock.ts';
import { redis } from '@/lib/redis.ts';
import { LeagueJobsTestbed } from '@/scripts/test/league-jobs-testbed.ts';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { SharedRateLimiter } from '../../batch/shared-rate-limiter.ts';
import { entryUpdatesHandler } from './entry-updates.ts';
import { useLeagueServices } from './league-services.ts';
import { tournamentEventDataHandler } from './tournament-event-data.ts';
import { upstreamRateLimitName, upstreamRatePerMs } from './upstream-requests.ts';

const prefix = useOwnQueuePrefix('league-prechecks');
await useOwnDatabase('league_prechecks');

let bed: LeagueJobsTestbed;
const hybridJobs = ['entry-updates', 'tournament-event-data'] as const;
const limitKeys = ['window', 'state', 'outcomes', 'pause'].map((part) => `${prefix}:kickoff:ratelimit:${upstreamRateLimitName}:${part}`);
const limiter = () => new SharedRateLimiter(redis(), prefix, upstreamRateLimitName, { max: 10, perMs: upstreamRatePerMs });

beforeAll(async () => {
  bed = await LeagueJobsTestbed.start(prefix, [entryUpdatesHandler, tournamentEventDataHandler], { entries: 100 });
  // both at the default: 10 upstream requests a minute, shared
  for (const job of [entryUpdatesJob, tournamentEventDataJob]) await db().jobDefinition.update({ where: { name: job.name }, data: { config: job.config.parse({}) } });
});

afterAll(() => bed?.stop());

async function expectSkipped(reason: RegExp): Promise<void> {
  const before = bed.upstream.state.requests.total;
  for (const job of hybridJobs) {
    const run = await bed.run(job);
    expect(run, job).toMatchObject({ status: 'skipped', attempt: 0 });
    expect(run.error, job).toMatch(reason);
  }
  expect(bed.upstream.state.requests.total).toBe(before);
}

describe("the hybrid jobs' pre-run checks", () => {
  it("skip both while an upstream Retry-After pauses the shared limit, or its minute's requests are spent", async () => {
    await limiter().pauseFor(30_000);
    await expectSkipped(/^Pre-run check failed: rate-limit budget: league-upstream is paused for (29|30) s more by the upstream's Retry-After$/);
    await redis().del(...limitKeys);
    for (let request = 0; request < 10; request += 1) await limiter().acquire();
    await expectSkipped(/^Pre-run check failed: rate-limit budget: league-upstream has 0 of 10 calls left in its window \(needs 1\)$/);
    await redis().del(...limitKeys);
  });

  it('skip both while the cache does not answer', async () => {
    const gone = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    gone.on('error', () => {});
    const deadCache = new TwoLevelCache({ redis: gone, prefix });
    useLeagueServices({ upstream: () => new UpstreamClient({ baseUrl: bed.upstreamUrl }), cache: deadCache, clock: new LeagueClock({ baseUrl: bed.upstreamUrl }) });
    try {
      await expectSkipped(/^Pre-run check failed: cache: unreachable \(.+\)$/);
    } finally {
      useLeagueServices({ upstream: () => new UpstreamClient({ baseUrl: bed.upstreamUrl }), cache: bed.cache, clock: new LeagueClock({ baseUrl: bed.upstreamUrl }) });
      await deadCache.close();
      gone.disconnect();
    }
  });

  it('let them start when the limit has room and the cache answers', async () => {
    // no gameweek stored yet: tournament-event-data starts, finds nothing to prepare, and completes
    const run = await bed.run('tournament-event-data');
    expect(run).toMatchObject({ status: 'completed', attempt: 1, result: { leagues: 0 } });
  });
});
