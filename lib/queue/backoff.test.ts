import { describe, expect, it } from 'vitest';
import { backoffFor, retryDelay } from './backoff.ts';

describe('retry backoff', () => {
  it('maps each policy to a custom BullMQ backoff and none to no retry', () => {
    expect(backoffFor({ attempts: 3, backoff: 'exponential', delayMs: 1000 })).toEqual({ type: 'kickoff:exponential', delay: 1000 });
    expect(backoffFor({ attempts: 3, backoff: 'immediate', delayMs: 1000 })).toEqual({ type: 'kickoff:immediate', delay: 0 });
    expect(backoffFor({ attempts: 1, backoff: 'none', delayMs: 1000 })).toBeUndefined();
  });

  it('doubles exponential waits, keeps fixed ones, and never waits for immediate', () => {
    expect([1, 2, 3].map((n) => retryDelay('kickoff:exponential', 1000, n))).toEqual([1000, 2000, 4000]);
    expect([1, 2, 3].map((n) => retryDelay('kickoff:fixed', 500, n))).toEqual([500, 500, 500]);
    expect(retryDelay('kickoff:immediate', 0, 2)).toBe(0);
  });

  it('waits as long as a rate-limited upstream asks when that is longer', () => {
    expect(retryDelay('kickoff:exponential', 1000, 1, { retryAfterMs: 7_000 })).toBe(7_000);
    expect(retryDelay('kickoff:exponential', 1000, 4, { retryAfterMs: 100 })).toBe(8_000);
  });
});
