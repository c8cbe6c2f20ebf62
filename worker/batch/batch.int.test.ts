import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteRedisKeys } from '@/scripts/test/test-resources.ts';
import { BatchFailedError, runBatch } from './run-batch.ts';
import { SharedRateLimiter } from './shared-rate-limiter.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `{kickoff-batchtest-${randomBytes(3).toString('hex')}}`;
const connections = [new Redis(url), new Redis(url)];
afterAll(async () => {
  await deleteRedisKeys(prefix);
  for (const connection of connections) connection.disconnect();
});

describe('SharedRateLimiter', () => {
  it('holds two workers together to the rate: never more than 10 calls in any second', { timeout: 15_000 }, async () => {
    const [a, b] = connections.map((connection) => new SharedRateLimiter(connection!, prefix, 'shared', { max: 10, perMs: 1_000 }));
    const stamps: number[] = [];
    const began = Date.now();
    await Promise.all(
      [a!, b!].map(async (limiter) => {
        for (let call = 0; call < 15; call += 1) {
          await limiter.acquire();
          stamps.push(Date.now());
        }
      }),
    );
    expect(stamps).toHaveLength(30);
    expect(Date.now() - began).toBeGreaterThanOrEqual(1_900);
    stamps.sort((x, y) => x - y);
    for (let index = 10; index < stamps.length; index += 1) expect(stamps[index]! - stamps[index - 10]!).toBeGreaterThanOrEqual(990);
  });

  it('slows down by 30 % when errors rise, and speeds up by 10 % after 30 s healthy, never above the configured rate', async () => {
    let now = 1_000_000;
    const limiter = new SharedRateLimiter(connections[0]!, prefix, 'adaptive', { max: 100, perMs: 60_000, now: () => now });
    for (const ok of [true, true, true, false, false]) await limiter.recordOutcome(ok);
    expect(await limiter.effectiveMax()).toBe(70);
    // another worker sees the same rate
    expect(await new SharedRateLimiter(connections[1]!, prefix, 'adaptive', { max: 100, perMs: 60_000 }).effectiveMax()).toBe(70);
    now += 29_000;
    await limiter.recordOutcome(true);
    expect(await limiter.effectiveMax()).toBe(70);
    now += 1_000;
    await limiter.recordOutcome(true);
    expect(await limiter.effectiveMax()).toBe(77);
    for (let step = 0; step < 10; step += 1) {
      now += 30_000;
      await limiter.recordOutcome(true);
    }
    expect(await limiter.effectiveMax()).toBe(100);
  });
});

describe('runBatch', () => {
  const deps = (extra = {}) => ({ redis: connections[0]!, prefix, jobName: 'batch-test', ...extra });
  const items = Array.from({ length: 100 }, (_, index) => index);
  // every third item of each ten fails: 30 % failures, spread out
  const flaky = async (item: number) => {
    if (item % 10 < 3) throw new Error(`item ${item} failed`);
    return item * 2;
  };

  it('fails below the minimum success ratio and passes above it', async () => {
    const error = await runBatch(items, { size: 25, concurrency: 4, minSuccessRatio: 0.8, breaker: false }, flaky, deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchFailedError);
    expect((error as BatchFailedError).message).toBe('Batch succeeded for 70 of 100 items (70 %), below the minimum 80 %');
    const result = await runBatch(items, { size: 25, concurrency: 4, minSuccessRatio: 0.6, breaker: false }, flaky, deps());
    expect(result).toMatchObject({ total: 100, succeeded: 70, failed: 30, skipped: 0 });
    expect(result.results[5]).toBe(10);
    expect(result.errors).toHaveLength(20);
  });

  it('keeps to its concurrency, and reports counts and progress', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const counts: Record<string, number> = {};
    const progress: number[] = [];
    await runBatch(
      items,
      { size: 50, concurrency: 3 },
      async (item) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight -= 1;
        return item;
      },
      deps({ count: (name: string, n = 1) => (counts[name] = (counts[name] ?? 0) + n), onProgress: (done: number) => progress.push(done) }),
    );
    expect(maxInFlight).toBe(3);
    expect(counts).toEqual({ apiCalls: 100, batchSucceeded: 100 });
    expect(progress).toEqual([50, 100]);
  });

  it('opens the breaker against a failing upstream, skips calls while open, and fails the run', async () => {
    let calls = 0;
    let now = 0;
    const error = await runBatch(
      items,
      { size: 50, concurrency: 1, breaker: { halfOpenAfterMs: 10, now: () => now } },
      async () => {
        calls += 1;
        now += 1;
        throw new Error('upstream down');
      },
      deps(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchFailedError);
    const result = (error as BatchFailedError).result;
    expect(result.breakerOpened).toBe(true);
    expect(result.skipped).toBeGreaterThan(80);
    expect(calls).toBeLessThan(20);
  });

  it('stops when the run is aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled')), 50);
    const error = await runBatch(items, { size: 10, concurrency: 1 }, () => new Promise((resolve) => setTimeout(resolve, 20)), deps({ signal: controller.signal })).catch((e: unknown) => e);
    expect((error as Error).message).toBe('cancelled');
  });
});
