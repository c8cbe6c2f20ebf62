import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteRedisKeys } from '@/scripts/test/test-resources.ts';
import { SharedRateLimiter } from './shared-rate-limiter.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `{kickoff-batchtest-${randomBytes(4).toString('hex')}}`;
const connections = [new Redis(url), new Redis(url)] as const;
afterAll(async () => {
  await deleteRedisKeys(prefix);
  for (const connection of connections) connection.disconnect();
});

const twoWorkers = (name: string, options: { max: number; perMs: number; now?: () => number }) =>
  [new SharedRateLimiter(connections[0], prefix, name, options), new SharedRateLimiter(connections[1], prefix, name, options)] as const;

describe('SharedRateLimiter', () => {
  it('holds two workers together to the rate: 30 calls at 10 per second take 2 s, never more than 10 in any second', { timeout: 15_000 }, async () => {
    const stamps: number[] = [];
    const began = Date.now();
    await Promise.all(
      twoWorkers('shared', { max: 10, perMs: 1_000 }).map(async (limiter) => {
        for (let call = 0; call < 15; call += 1) {
          await limiter.acquire();
          stamps.push(Date.now());
        }
      }),
    );
    expect(stamps).toHaveLength(30);
    expect(Date.now() - began).toBeGreaterThanOrEqual(1_900);
    stamps.sort((x, y) => x - y);
    // The 11th call after any call comes a second later. Stamps are taken after the admission
    // reached this process, so a busy event loop can shift one by some milliseconds; a limiter
    // that let more through would show gaps near 0.
    for (let index = 10; index < stamps.length; index += 1) expect(stamps[index]! - stamps[index - 10]!).toBeGreaterThanOrEqual(900);
    const keys = await connections[0].keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.startsWith(`${prefix}:kickoff:ratelimit:`)).toBe(true);
  });

  it('slows down by 30 % when errors rise, and speeds up by 10 % after 30 s healthy, never above the configured rate', async () => {
    let now = 1_000_000;
    const [limiter, other] = twoWorkers('adaptive', { max: 100, perMs: 60_000, now: () => now });
    for (const ok of [true, true, true, false]) await limiter.recordOutcome(ok);
    expect(await limiter.effectiveMax()).toBe(100); // 1 of 4: too few outcomes to judge
    expect(await limiter.recordOutcome(false)).toBe(70); // 2 of 5 = 40 %
    expect(await other.effectiveMax()).toBe(70);
    now += 29_000;
    expect(await other.recordOutcome(true)).toBe(70);
    now += 1_000;
    expect(await other.recordOutcome(true)).toBe(77);
    now += 1_000;
    expect(await limiter.recordOutcome(true)).toBe(77); // 30 s since the last change, not since any success
    for (let step = 0; step < 10; step += 1) {
      now += 30_000;
      await limiter.recordOutcome(true);
    }
    expect(await limiter.effectiveMax()).toBe(100);
  });

  it('keeps a worker that saw no errors from speeding up right after another slowed everyone down', async () => {
    let now = 5_000_000;
    const [a, b] = twoWorkers('together', { max: 100, perMs: 60_000, now: () => now });
    now += 120_000; // both have run healthy for a while
    for (const ok of [true, true, true, false, false]) await a.recordOutcome(ok);
    expect(await b.recordOutcome(true)).toBe(70);
    // outcomes are shared too: a's and b's together tip the ratio again (the slow-down reset the window)
    expect(await b.recordOutcome(false)).toBe(70); // 1 of 2
    await a.recordOutcome(true);
    await b.recordOutcome(true);
    expect(await a.recordOutcome(false)).toBe(49); // 2 of 5
    expect(await b.effectiveMax()).toBe(49);
  });

  it('never goes below a tenth of the configured rate, and admits only the effective rate', async () => {
    let now = 9_000_000;
    const limiter = new SharedRateLimiter(connections[0], prefix, 'floor', { max: 10, perMs: 60_000, now: () => now });
    for (let round = 0; round < 10; round += 1) for (let call = 0; call < 5; call += 1) await limiter.recordOutcome(false);
    expect(await limiter.effectiveMax()).toBe(1);
    now += 1;
    await limiter.acquire();
    await expect(limiter.acquire(AbortSignal.timeout(150))).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('pauses every worker for an upstream retry-after, and a shorter one does not cut a longer one short', async () => {
    const [a, b] = twoWorkers('pause', { max: 100, perMs: 1_000 });
    await a.pauseFor(400);
    await a.pauseFor(50);
    const began = Date.now();
    await b.acquire();
    expect(Date.now() - began).toBeGreaterThanOrEqual(300);
  });

  it('rejects a waiting acquire with the reason of the aborted signal', async () => {
    await connections[0].del(`${prefix}:kickoff:ratelimit:abort:window`);
    const limiter = new SharedRateLimiter(connections[0], prefix, 'abort', { max: 1, perMs: 60_000 });
    await limiter.acquire();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled')), 50);
    await expect(limiter.acquire(controller.signal)).rejects.toThrow('cancelled');
  });

  it('refuses a rate it cannot keep', () => {
    expect(() => new SharedRateLimiter(connections[0], prefix, 'bad', { max: 0, perMs: 1_000 })).toThrow(RangeError);
    expect(() => new SharedRateLimiter(connections[0], prefix, 'bad', { max: 5, perMs: 0 })).toThrow(RangeError);
  });
});

describe('SharedRateLimiter budget', () => {
  it('tells every worker the calls left in the window and a Retry-After pause, without spending any', async () => {
    const [one, two] = twoWorkers('budget', { max: 5, perMs: 60_000 });
    expect(await two.budget()).toEqual({ remaining: 5, pausedForMs: 0 });
    for (let call = 0; call < 3; call += 1) await one.acquire();
    expect(await two.budget()).toEqual({ remaining: 2, pausedForMs: 0 });
    expect(await two.budget()).toEqual({ remaining: 2, pausedForMs: 0 });
    await one.pauseFor(10_000);
    const paused = await two.budget();
    expect(paused.remaining).toBe(2);
    expect(paused.pausedForMs).toBeGreaterThan(9_000);
    expect(paused.pausedForMs).toBeLessThanOrEqual(10_000);
  });
});
