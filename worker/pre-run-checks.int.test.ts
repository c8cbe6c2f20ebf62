/**
 * Pre-run checks (worker/pre-run-checks.ts) on a real worker in this process: a run whose
 * check fails is recorded `skipped` with the reason, using no attempt, and its handler is never entered; the
 * ready-made checks against real Redis (a rate limit's budget and pause, a cache connection
 * that answers nothing, this process's health); and a later attempt is not checked again.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { db } from '@/lib/db.ts';
import { registerJobs } from '@/lib/jobs/catalog.ts';
import { defineJob } from '@/lib/jobs/define-job.ts';
import { askForRun } from '@/scripts/test/ask-for-run.ts';
import { startInProcessWorker, stopInProcessWorker } from '@/scripts/test/in-process-worker.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { SharedRateLimiter } from './batch/shared-rate-limiter.ts';
import { defineHandler, type PreRunCheck } from './define-handler.ts';
import { cacheReachable, checkTimeoutMs, rateLimitBudget, workerHealth } from './pre-run-checks.ts';
import type { StartedWorker } from './start-worker.ts';

const prefix = useOwnQueuePrefix('pre-run-checks');

const payload = z.object({ failFirst: z.boolean().default(false) });
const config = z.object({ max: z.number().int().default(2), heapLimit: z.number().default(0.9) });
const entered = new Map<string, number>();

function checkedJob(name: string, checks: PreRunCheck<z.output<typeof config>>[]) {
  const job = defineJob({ name, category: 'diagnostics', description: `Pre-run checks: ${name}`, retry: { attempts: 2, backoff: 'immediate' }, payload, config });
  return defineHandler(
    job,
    async (ctx) => {
      entered.set(name, (entered.get(name) ?? 0) + 1);
      if (ctx.payload.failFirst && ctx.attempt === 1) {
        // use up the budget: the retry must start all the same
        const limiter = new SharedRateLimiter(redisClient, prefix, 'prc-upstream', { max: ctx.config.max, perMs: 60_000 });
        for (let call = 0; call < ctx.config.max; call += 1) await limiter.acquire();
        throw new Error('first attempt fails');
      }
      return { attempt: ctx.attempt };
    },
    { checks },
  );
}

const redisClient = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
// A cache whose Redis is gone: nothing listens on port 1, and it neither queues commands nor reconnects.
const deadCache = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null, maxRetriesPerRequest: 0 });
deadCache.on('error', () => {});
const budget = rateLimitBudget<z.output<typeof config>>({ name: 'prc-upstream', limit: (c) => ({ max: c.max, perMs: 60_000 }) });
const handlers = [
  checkedJob('prc-budget', [budget]),
  checkedJob('prc-cache', [cacheReachable(() => deadCache.ping())]),
  checkedJob('prc-health', [workerHealth({ maxHeapUsedRatio: 0.001 })]),
  checkedJob('prc-silent', [{ name: 'silent', check: () => new Promise<never>(() => {}) }]),
  checkedJob('prc-all', [budget, cacheReachable(() => redisClient.ping()), workerHealth()]),
];
registerJobs(handlers.map((handler) => handler.job));

let worker: StartedWorker;
beforeAll(async () => {
  worker = await startInProcessWorker(prefix, handlers);
});
afterAll(async () => {
  await stopInProcessWorker(worker);
  redisClient.disconnect();
  deadCache.disconnect();
});

async function runOf(job: string, body: Record<string, unknown> = {}) {
  const { run } = await askForRun(job, { payload: body });
  return waitFor(async () => {
    const row = await db().jobRun.findUnique({ where: { id: run.id } });
    return row && ['completed', 'failed', 'skipped'].includes(row.status) ? row : undefined;
  }, 15_000, `run of ${job} to end`);
}

const limiter = (max = 2) => new SharedRateLimiter(redisClient, prefix, 'prc-upstream', { max, perMs: 60_000 });
const clearLimiter = () => redisClient.del(...['window', 'state', 'outcomes', 'pause'].map((part) => `${prefix}:kickoff:ratelimit:prc-upstream:${part}`));

describe('pre-run checks', () => {
  it('skip a run while its rate limit has no call left, or an upstream Retry-After pauses it, without entering the handler', async () => {
    await clearLimiter();
    await limiter().acquire();
    await limiter().acquire();
    const spent = await runOf('prc-budget');
    expect(spent).toMatchObject({ status: 'skipped', error: 'Pre-run check failed: rate-limit budget: prc-upstream has 0 of 2 calls left in its window (needs 1)', attempt: 0 });
    await clearLimiter();
    await limiter().pauseFor(20_000);
    const paused = await runOf('prc-budget');
    expect(paused.status).toBe('skipped');
    expect(paused.error).toMatch(/^Pre-run check failed: rate-limit budget: prc-upstream is paused for (19|20) s more by the upstream's Retry-After$/);
    expect(entered.get('prc-budget')).toBeUndefined();
    await clearLimiter();
    expect(await runOf('prc-budget')).toMatchObject({ status: 'completed' });
    expect(entered.get('prc-budget')).toBe(1);
  });

  it('skip a run whose cache does not answer, whose worker is unhealthy, or whose check never answers', async () => {
    const cache = await runOf('prc-cache');
    expect(cache.status).toBe('skipped');
    expect(cache.error).toMatch(/^Pre-run check failed: cache: unreachable \(.+\)$/);
    const health = await runOf('prc-health');
    expect(health.status).toBe('skipped');
    expect(health.error).toMatch(/^Pre-run check failed: worker health: heap \d+ % of its limit in use \(limit 0 %\)$/);
    const silent = await runOf('prc-silent');
    expect(silent).toMatchObject({ status: 'skipped', error: `Pre-run check failed: silent: no answer within ${checkTimeoutMs} ms` });
    for (const job of ['prc-cache', 'prc-health', 'prc-silent']) expect(entered.get(job)).toBeUndefined();
  });

  it('let a run start when every check passes, and do not stop its later attempt', async () => {
    await clearLimiter();
    const run = await runOf('prc-all', { failFirst: true });
    // the first attempt spent the budget; the second started all the same
    expect(run).toMatchObject({ status: 'completed', attempt: 2, result: { attempt: 2 } });
    expect(await limiter().budget()).toMatchObject({ remaining: 0 });
    expect(await runOf('prc-all')).toMatchObject({ status: 'skipped', error: 'Pre-run check failed: rate-limit budget: prc-upstream has 0 of 2 calls left in its window (needs 1)' });
  });
});
