import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sleep } from '../run-context.ts';
import { kickoffKeys } from '@/lib/redis-keys.ts';

/**
 * A rate limit shared by every worker through Redis: at most `max` calls in any `perMs`
 * (a sliding-window log: one sorted-set entry per admitted call, checked and added in one
 * Lua script). The effective rate adapts, and lives in Redis so every worker follows it:
 *
 * - slow down: when a call fails and at least `slowDownAt` of the last `outcomeWindow`
 *   outcomes (all workers together, at least `minimumOutcomes` of them) are failures, the
 *   rate drops by 30 % and the outcome window starts afresh;
 * - speed up: a success when no call has failed and the rate has not changed for
 *   `speedUpAfterMs` raises it by 10 % (at least 1);
 * - always between a tenth of `max` (at least 1) and `max`.
 *
 * An upstream's "retry after" (`pauseFor`) pauses every caller at once. Without an injected
 * clock, time is Redis's own (`TIME`), so workers on machines with skewed clocks agree. The
 * adapted rate and outcomes expire after ten windows (at least 10 min) without calls.
 */
export interface SharedRateLimiterOptions {
  /** Calls allowed per window at the full rate. Required, at least 1. */
  max: number;
  /** The window in milliseconds. Required, above 0. */
  perMs: number;
  /** Failure ratio over the recent outcomes that slows the rate. Default: 0.2. */
  slowDownAt?: number;
  /** How many recent outcomes the failure ratio is taken over. Default: 10. */
  outcomeWindow?: number;
  /** Outcomes needed before the failure ratio counts. Default: 5. */
  minimumOutcomes?: number;
  /** Time without failures and without a change before the rate rises again. Default: 30 000 ms. */
  speedUpAfterMs?: number;
  /** The clock, for tests. Default: Redis's clock. */
  now?: () => number;
}

const slowDownFactor = 0.7;
const speedUpFactor = 1.1;
const floorRatio = 0.1;

const nowInLua = `
local now = tonumber(ARGV[1])
if not now then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
`;

// KEYS: window zset, state hash, pause key. ARGV: now or '', window ms, max, floor, member.
// Returns 0 when the call may go, else the milliseconds to wait. The state hash also keeps the
// limit's max and window, for the budget that /api/metrics reads (lib/metrics/league-metrics.ts).
const acquireScript = `${nowInLua}
redis.call('HSET', KEYS[2], 'max', ARGV[3], 'perMs', ARGV[2])
if redis.call('PTTL', KEYS[2]) < 0 then redis.call('PEXPIRE', KEYS[2], math.max(600000, tonumber(ARGV[2]) * 10)) end
local pause = redis.call('PTTL', KEYS[3])
if pause > 0 then return pause end
local window = tonumber(ARGV[2])
local limit = math.min(tonumber(ARGV[3]), math.max(tonumber(ARGV[4]), tonumber(redis.call('HGET', KEYS[2], 'rate') or ARGV[3])))
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
-- after a slow-down there may be more calls in the window than the limit: wait until enough leave
local leaving = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
return math.max(1, tonumber(leaving[2]) + window - now)
`;

// KEYS: state hash, outcomes list. ARGV: now or '', ok (1|0), max, floor, outcome window,
// minimum outcomes, slow-down ratio, speed-up after ms, ttl ms. Returns the effective rate.
const outcomeScript = `${nowInLua}
local max = tonumber(ARGV[3])
local floor = tonumber(ARGV[4])
local rate = math.min(max, math.max(floor, tonumber(redis.call('HGET', KEYS[1], 'rate') or ARGV[3])))
local ok = ARGV[2] == '1'
redis.call('LPUSH', KEYS[2], ARGV[2])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[5]) - 1)
if ok then
  local lastErrorAt = tonumber(redis.call('HGET', KEYS[1], 'lastErrorAt') or '0')
  local changedAt = tonumber(redis.call('HGET', KEYS[1], 'changedAt') or '0')
  if rate < max and now - math.max(lastErrorAt, changedAt) >= tonumber(ARGV[8]) then
    rate = math.min(max, math.max(rate + 1, math.floor(rate * ${speedUpFactor} + 0.5)))
    redis.call('HSET', KEYS[1], 'rate', rate, 'changedAt', now)
  end
else
  redis.call('HSET', KEYS[1], 'lastErrorAt', now)
  local outcomes = redis.call('LRANGE', KEYS[2], 0, -1)
  local failures = 0
  for _, outcome in ipairs(outcomes) do
    if outcome == '0' then failures = failures + 1 end
  end
  if #outcomes >= tonumber(ARGV[6]) and failures / #outcomes >= tonumber(ARGV[7]) then
    rate = math.max(floor, math.floor(rate * ${slowDownFactor}))
    redis.call('HSET', KEYS[1], 'rate', rate, 'changedAt', now)
    redis.call('DEL', KEYS[2])
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[9])
redis.call('PEXPIRE', KEYS[2], ARGV[9])
return rate
`;

// KEYS: window zset, state hash, pause key. ARGV: now or '', window ms, max, floor.
// Returns { calls left in the window now, ms the pause still holds }.
const budgetScript = `${nowInLua}
local window = tonumber(ARGV[2])
local limit = math.min(tonumber(ARGV[3]), math.max(tonumber(ARGV[4]), tonumber(redis.call('HGET', KEYS[2], 'rate') or ARGV[3])))
local used = redis.call('ZCOUNT', KEYS[1], '(' .. (now - window), '+inf')
return { math.max(0, limit - used), math.max(0, redis.call('PTTL', KEYS[3])) }
`;

// KEYS: pause key. ARGV: ms. Never shortens a longer pause another caller asked for.
const pauseScript = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 0
`;

export class SharedRateLimiter {
  private readonly keys: { window: string; state: string; outcomes: string; pause: string };
  private readonly floor: number;
  private readonly memberPrefix = randomUUID();
  private sequence = 0;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    name: string,
    private readonly options: SharedRateLimiterOptions,
  ) {
    if (!(Number.isInteger(options.max) && options.max >= 1)) throw new RangeError(`Rate limit max must be a whole number of at least 1, not ${options.max}`);
    if (!(options.perMs > 0)) throw new RangeError(`Rate limit perMs must be above 0, not ${options.perMs}`);
    const base = kickoffKeys.rateLimit(prefix, name);
    this.keys = { window: `${base}:window`, state: `${base}:state`, outcomes: `${base}:outcomes`, pause: `${base}:pause` };
    this.floor = Math.max(1, Math.ceil(options.max * floorRatio));
  }

  /** Waits until a call may go; rejects with the signal's reason when aborted. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      this.sequence += 1;
      const { window, state, pause } = this.keys;
      const wait = Number(
        await this.run(acquireScript, [window, state, pause], [this.clock(), this.options.perMs, this.options.max, this.floor, `${this.memberPrefix}:${this.sequence}`]),
      );
      if (wait === 0) return;
      // Wake at least every second: a pause or a rate change by another worker may shorten the wait.
      await sleep(Math.min(wait, 1_000), signal);
    }
  }

  /** Feeds the adaptation (see the class comment); resolves to the rate in force afterwards. */
  async recordOutcome(ok: boolean): Promise<number> {
    const { minimumOutcomes = 5, outcomeWindow = 10, slowDownAt = 0.2, speedUpAfterMs = 30_000 } = this.options;
    const args = [this.clock(), ok ? 1 : 0, this.options.max, this.floor, outcomeWindow, Math.min(minimumOutcomes, outcomeWindow), slowDownAt, speedUpAfterMs, this.ttlMs()];
    return Number(await this.run(outcomeScript, [this.keys.state, this.keys.outcomes], args));
  }

  /** The rate in force now (calls per window), shared by all workers. */
  async effectiveMax(): Promise<number> {
    const stored = await this.redis.hget(this.keys.state, 'rate');
    return stored === null ? this.options.max : Math.min(this.options.max, Math.max(this.floor, Number(stored)));
  }

  /**
   * What is left of the limit right now, shared by all workers: calls that could go at once
   * (the rate in force less the calls in the current window), and how long a Retry-After
   * pause still holds every caller (0 when none). Changes nothing.
   */
  async budget(): Promise<{ remaining: number; pausedForMs: number }> {
    const { window, state, pause } = this.keys;
    const [remaining, pausedForMs] = (await this.run(budgetScript, [window, state, pause], [this.clock(), this.options.perMs, this.options.max, this.floor])) as [number, number];
    return { remaining: Number(remaining), pausedForMs: Number(pausedForMs) };
  }

  /** Pauses every caller for `ms`, as an upstream's Retry-After asks (a longer pause already set stays). */
  async pauseFor(ms: number): Promise<void> {
    await this.run(pauseScript, [this.keys.pause], [Math.max(1, Math.round(ms))]);
  }

  private clock(): number | '' {
    return this.options.now ? Math.round(this.options.now()) : '';
  }

  private ttlMs(): number {
    return Math.max(this.options.perMs * 10, 10 * 60_000);
  }

  private async run(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    const sha = scriptSha(script);
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return this.redis.eval(script, keys.length, ...keys, ...args);
    }
  }
}

const shas = new Map<string, string>();
function scriptSha(script: string): string {
  let sha = shas.get(script);
  if (!sha) shas.set(script, (sha = createHash('sha1').update(script).digest('hex')));
  return sha;
}
