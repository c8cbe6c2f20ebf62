import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteRedisKeys } from '@/scripts/test/test-resources.ts';
import { BatchFailedError, runBatch, type BatchDeps } from './run-batch.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `{kickoff-batchtest-${randomBytes(4).toString('hex')}}`;
const redis = new Redis(url);
afterAll(async () => {
  await deleteRedisKeys(prefix);
  redis.disconnect();
});

const deps = (extra: Partial<BatchDeps> = {}): BatchDeps => ({ redis, prefix, jobName: `batch-test-${randomBytes(3).toString('hex')}`, ...extra });
const items = Array.from({ length: 100 }, (_, index) => index);
// items 0, 1, 2 of every ten fail: 30 % failures, spread out
const flaky = async (item: number) => {
  if (item % 10 < 3) throw new Error(`item ${item} failed`);
  return item * 2;
};
const counter = () => {
  const counts: Record<string, number> = {};
  return { counts, count: (name: string, n = 1) => void (counts[name] = (counts[name] ?? 0) + n) };
};

describe('runBatch', () => {
  it('fails below the minimum success ratio and passes above it', async () => {
    const error = await runBatch(items, { size: 25, concurrency: 4, minSuccessRatio: 0.8, breaker: false }, flaky, deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchFailedError);
    expect((error as BatchFailedError).message).toBe('Batch succeeded for 70 of 100 items (70 %), below the minimum 80 %');
    expect((error as BatchFailedError).result).toMatchObject({ succeeded: 70, failed: 30, skipped: 0, successRatio: 0.7 });
    const result = await runBatch(items, { size: 25, concurrency: 4, minSuccessRatio: 0.6, breaker: false }, flaky, deps());
    expect(result).toMatchObject({ total: 100, succeeded: 70, failed: 30, skipped: 0, successRatio: 0.7, breakerOpened: false });
    expect(result.results[5]).toBe(10);
    expect(result.results[1]).toBeUndefined();
    expect(result.errors).toHaveLength(20);
    expect(result.errors[0]).toEqual({ index: 0, message: 'item 0 failed' });
  });

  it('keeps to its concurrency, and reports counts and progress', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const { counts, count } = counter();
    const progress: [number, number][] = [];
    await runBatch(
      items,
      { size: 50, concurrency: 3, rateLimit: { max: 1_000, perMs: 1_000 } },
      async (item) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight -= 1;
        return item;
      },
      deps({ count, onProgress: (done, total) => progress.push([done, total]) }),
    );
    expect(maxInFlight).toBe(3);
    expect(counts).toEqual({ apiCalls: 100, batchSucceeded: 100 });
    expect(progress).toEqual([
      [50, 100],
      [100, 100],
    ]);
  });

  it('stops at once against a dead upstream: the breaker opens and the rest is skipped without waiting for it', async () => {
    let calls = 0;
    const { counts, count } = counter();
    const began = Date.now();
    // the default breaker would wait 30 s before a trial; the run cannot reach 80 % anyway
    const error = await runBatch(
      items,
      { size: 25, concurrency: 2 },
      async () => {
        calls += 1;
        throw new Error('upstream down');
      },
      deps({ count }),
    ).catch((e: unknown) => e);
    expect(Date.now() - began).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(BatchFailedError);
    const result = (error as BatchFailedError).result;
    expect(result).toMatchObject({ succeeded: 0, failed: calls, skipped: 100 - calls, breakerOpened: true });
    expect(calls).toBeGreaterThanOrEqual(5);
    expect(calls).toBeLessThanOrEqual(6); // the fifth failure opens it; one more may be in flight
    expect(counts).toEqual({ apiCalls: calls, batchFailed: calls, batchSkipped: 100 - calls });
  });

  it('skips the rest of the batch when the breaker opens, waits for the half-open trials, and carries on when they succeed', async () => {
    const called: number[] = [];
    const { counts, count } = counter();
    const result = await runBatch(
      Array.from({ length: 60 }, (_, index) => index),
      { size: 20, concurrency: 4, minSuccessRatio: 0.5, breaker: { halfOpenAfterMs: 200 } },
      async (item) => {
        const ordinal = called.push(item);
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (ordinal <= 8) throw new Error('down'); // the upstream is down for the first 8 calls
        return item;
      },
      deps({ count }),
    );
    expect(result.breakerOpened).toBe(true);
    // items 20–59 all went: the extra calls while half-open waited for the trials instead of being skipped
    for (let item = 20; item < 60; item += 1) expect(called).toContain(item);
    expect(result.succeeded).toBe(40);
    expect(result.failed + result.skipped).toBe(20);
    expect(result.skipped).toBeGreaterThanOrEqual(10);
    expect(counts.apiCalls).toBe(called.length);
    expect(counts).toMatchObject({ batchSucceeded: 40, batchFailed: result.failed, batchSkipped: result.skipped });
  });

  it('pauses the calls for an upstream retry-after, with or without a shared rate limit', async () => {
    for (const rateLimit of [undefined, { max: 1_000, perMs: 1_000 }]) {
      const stamps: number[] = [];
      const result = await runBatch(
        [0, 1, 2],
        { size: 10, concurrency: 1, minSuccessRatio: 0, breaker: false, ...(rateLimit ? { rateLimit } : {}) },
        async (item) => {
          stamps.push(Date.now());
          if (item === 0) throw Object.assign(new Error('429 Too Many Requests'), { retryAfterMs: 300 });
          return item;
        },
        deps(),
      );
      expect(result).toMatchObject({ succeeded: 2, failed: 1 });
      expect(stamps[1]! - stamps[0]!).toBeGreaterThanOrEqual(280);
      expect(stamps[2]! - stamps[1]!).toBeLessThan(250);
    }
  });

  it('rejects with the reason as soon as the signal aborts, even while a call ignores it, and calls nothing more', async () => {
    const controller = new AbortController();
    let calls = 0;
    setTimeout(() => controller.abort(new Error('cancelled')), 50);
    const began = Date.now();
    const error = await runBatch(
      items,
      { size: 10, concurrency: 2 },
      async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, calls > 4 ? 2_000 : 20));
      },
      deps({ signal: controller.signal }),
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe('cancelled');
    expect(Date.now() - began).toBeLessThan(1_000);
    const callsAtAbort = calls;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBe(callsAtAbort);
  });

  it('rejects when a lane fails outside the calls (here the counter), and the other lanes take no new items', async () => {
    let calls = 0;
    let succeeded = 0;
    const count = (name: string) => {
      if (name === 'batchSucceeded' && (succeeded += 1) === 5) throw new Error('counter broke');
    };
    const error = await runBatch(
      items,
      { size: 100, concurrency: 3, breaker: false },
      async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
      deps({ count }),
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe('counter broke');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBeLessThanOrEqual(7); // the calls in flight when it broke finish; none start
  });

  it('rejects when Redis fails under the rate limit, and calls nothing more', async () => {
    const connection = new Redis(url);
    let calls = 0;
    const error = await runBatch(
      items,
      { size: 100, concurrency: 3, rateLimit: { max: 1_000, perMs: 1_000 }, breaker: false },
      async (item) => {
        calls += 1;
        if (item === 10) connection.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 5));
        return item;
      },
      deps({ redis: connection }),
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/Connection is closed/);
    const callsAtFailure = calls;
    expect(callsAtFailure).toBeLessThan(20);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBe(callsAtFailure);
  });

  it('returns an empty result for no items, and refuses options it cannot honour', async () => {
    await expect(runBatch([], {}, flaky, deps())).resolves.toMatchObject({ total: 0, successRatio: 1, results: [] });
    await expect(runBatch(items, { size: 0 }, flaky, deps())).rejects.toThrow(RangeError);
    await expect(runBatch(items, { concurrency: 1.5 }, flaky, deps())).rejects.toThrow(RangeError);
    await expect(runBatch(items, { minSuccessRatio: 2 }, flaky, deps())).rejects.toThrow(RangeError);
  });
});
