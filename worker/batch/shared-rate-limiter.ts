import type { Redis } from 'ioredis';
import { sleep } from '../run-context.ts';

/**
 * A rate limit shared by every worker through Redis: at most `max` calls per `perMs`
 * (sliding window), at an effective rate that adapts — 30 % slower when errors rise,
 * 10 % faster after every 30 s without errors, never above the configured rate nor below a
 * tenth of it. An upstream's "retry after" pauses every caller at once.
 */
export interface SharedRateLimiterOptions {
  /** Calls allowed per window at full rate. */
  max: number;
  /** The window in milliseconds. */
  perMs: number;
  /** Error ratio over the last `outcomeWindow` calls that slows the rate. Default: 0.2. */
  slowDownAt?: number;
  /** Outcomes the error ratio is taken over. Default: 10. */
  outcomeWindow?: number;
  /** Healthy time before the rate rises again. Default: 30 000 ms. */
  speedUpAfterMs?: number;
  /** The clock, for tests. Default: Date.now. */
  now?: () => number;
}

// KEYS: window zset, effective-rate key, pause key. ARGV: now, window ms, configured max, member.
// Returns 0 when the call may go, else the milliseconds to wait.
const acquireScript = `
local pause = redis.call('pttl', KEYS[3])
if pause > 0 then return pause end
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(redis.call('get', KEYS[2]) or ARGV[3])
redis.call('zremrangebyscore', KEYS[1], '-inf', now - window)
if redis.call('zcard', KEYS[1]) < limit then
  redis.call('zadd', KEYS[1], now, ARGV[4])
  redis.call('pexpire', KEYS[1], window * 2)
  return 0
end
local oldest = redis.call('zrange', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

export class SharedRateLimiter {
  private readonly keys: [string, string, string];
  private readonly outcomes: boolean[] = [];
  private lastChangeAt: number;
  private sequence = 0;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    name: string,
    private readonly options: SharedRateLimiterOptions,
  ) {
    const base = `${prefix}:kickoff:ratelimit:${name}`;
    this.keys = [`${base}:window`, `${base}:rate`, `${base}:pause`];
    this.now = options.now ?? Date.now;
    this.lastChangeAt = this.now();
  }

  /** Waits until a call may go; rejects with the signal's reason when aborted. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      this.sequence += 1;
      const member = `${process.pid}:${this.sequence}:${Math.random().toString(36).slice(2, 8)}`;
      const wait = Number(await this.redis.eval(acquireScript, 3, ...this.keys, this.now(), this.options.perMs, this.options.max, member));
      if (wait === 0) return;
      await sleep(Math.min(wait, 1_000), signal);
    }
  }

  /** The rate in force now (calls per window), shared by all workers. */
  async effectiveMax(): Promise<number> {
    return Number((await this.redis.get(this.keys[1])) ?? this.options.max);
  }

  /** Pauses every caller for `ms`, as an upstream's Retry-After asks. */
  async pauseFor(ms: number): Promise<void> {
    await this.redis.set(this.keys[2], '1', 'PX', Math.max(1, Math.round(ms)));
  }

  /** Feeds the adaptation: a failed call may slow everyone down; a healthy spell speeds up. */
  async recordOutcome(ok: boolean): Promise<void> {
    this.outcomes.push(ok);
    const size = this.options.outcomeWindow ?? 10;
    if (this.outcomes.length > size) this.outcomes.shift();
    const errors = this.outcomes.filter((outcome) => !outcome).length;
    const current = await this.effectiveMax();
    const floor = Math.max(1, Math.ceil(this.options.max / 10));
    if (!ok && this.outcomes.length >= Math.min(size, 5) && errors / this.outcomes.length >= (this.options.slowDownAt ?? 0.2)) {
      await this.setMax(Math.max(floor, Math.floor(current * 0.7)));
      this.outcomes.length = 0;
      this.lastChangeAt = this.now();
    } else if (errors === 0 && current < this.options.max && this.now() - this.lastChangeAt >= (this.options.speedUpAfterMs ?? 30_000)) {
      await this.setMax(Math.min(this.options.max, Math.max(current + 1, Math.round(current * 1.1))));
      this.lastChangeAt = this.now();
    }
  }

  private async setMax(max: number): Promise<void> {
    await this.redis.set(this.keys[1], String(max), 'PX', Math.max(this.options.perMs * 10, 10 * 60_000));
  }
}
