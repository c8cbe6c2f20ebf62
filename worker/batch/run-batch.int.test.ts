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

describe('runBatch: slow calls and fallbacks', () => {
  it('counts slow answers as failures: the breaker opens on an upstream that answers every call, but in 2.5 s', async () => {
    let now = 0;
    const { counts, count } = counter();
    const error = await runBatch(
      items,
      { size: 25, concurrency: 1, minSuccessRatio: 0.9 },
      async (item) => {
        now += 2_500;
        return item;
      },
      deps({ count, now: () => now }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchFailedError);
    // five slow answers open it (30 % of at least 5 calls); the 75 items after the first batch cannot reach 90 % any more
    expect((error as BatchFailedError).result).toMatchObject({ succeeded: 5, failed: 0, skipped: 95, slowCalls: 5, breakerOpened: true });
    expect(counts).toEqual({ apiCalls: 5, batchSucceeded: 5, batchSkipped: 95, batchSlowCalls: 5 });
  });

  it('cached data: an item whose call fails, or that the open circuit skips, gets the last answer kept for it', async () => {
    const shared = deps();
    const cachedData = { key: (item: number) => `item-${item}` };
    const first = await runBatch(items.slice(0, 10), { size: 10, concurrency: 2, fallback: { cachedData } }, async (item) => ({ item, fetched: 'first run' }), shared);
    expect(first).toMatchObject({ succeeded: 10, fromCache: 0 });

    // now the upstream is down; item 10 was never answered before
    const { counts, count } = counter();
    const error = await runBatch(
      items.slice(0, 11),
      { size: 11, concurrency: 1, minSuccessRatio: 1, fallback: { cachedData } },
      async (item): Promise<{ item: number; fetched: string }> => {
        throw new Error(`item ${item}: upstream down`);
      },
      { ...shared, count },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchFailedError);
    const result = (error as BatchFailedError).result;
    expect(result).toMatchObject({ total: 11, succeeded: 0, fromCache: 10, failed: 0, skipped: 1, breakerOpened: true });
    expect(result.successRatio).toBeCloseTo(10 / 11);
    expect(result.results.slice(0, 10)).toEqual(first.results);
    expect(result.results[10]).toBeUndefined();
    // five calls failed and opened the circuit; the six items after it were not called
    expect(counts).toEqual({ apiCalls: 5, batchFromCache: 10, batchSkipped: 1 });
    expect((error as BatchFailedError).message).toContain('0 (+10 from cache) of 11 items');

    const passes = await runBatch(items.slice(0, 10), { size: 10, concurrency: 2, minSuccessRatio: 1, breaker: false, fallback: { cachedData } }, async () => {
      throw new Error('still down');
    }, shared);
    expect(passes).toMatchObject({ fromCache: 10, failed: 0, successRatio: 1 });
  });

  it('skip optional: optional items never fail the run, count outside the ratio, and are not called once the circuit has opened', async () => {
    const optional = (item: number) => item % 2 === 1;
    const passes = await runBatch(items.slice(0, 20), { size: 20, concurrency: 2, minSuccessRatio: 1, breaker: false, fallback: { optional } }, async (item) => {
      if (optional(item)) throw new Error(`optional item ${item} failed`);
      return item;
    }, deps());
    expect(passes).toMatchObject({ succeeded: 10, failed: 0, skippedOptional: 10, optional: 10, successRatio: 1, errors: [] });

    const called: number[] = [];
    const { counts, count } = counter();
    const result = await runBatch(
      items.slice(0, 20),
      { size: 10, concurrency: 1, minSuccessRatio: 0, breaker: { halfOpenAfterMs: 50 }, fallback: { optional: (item) => item >= 10 } },
      async (item) => {
        called.push(item);
        throw new Error(`item ${item} failed`);
      },
      deps({ count }),
    );
    // items 0–4 fail and open the circuit, 5–9 are skipped; after the half-open wait the optional 10–19 are left out uncalled
    expect(called).toEqual([0, 1, 2, 3, 4]);
    expect(result).toMatchObject({ failed: 5, skipped: 5, skippedOptional: 10, breakerOpened: true });
    expect(counts).toEqual({ apiCalls: 5, batchFailed: 5, batchSkipped: 5, batchSkippedOptional: 10 });
  });
});
