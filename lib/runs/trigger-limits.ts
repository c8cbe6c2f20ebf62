import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Principal } from '../auth/principal.ts';
import { RateLimitedError } from '../errors.ts';
import { queues } from '../queue/queues.ts';
import { kickoffKeys } from '../redis-keys.ts';
import { redis } from '../redis.ts';
import type { Settings } from '../settings.ts';

/** Whether the cooldown and hourly limits apply to this caller: people signed in to the dashboard. API keys are services. */
export function limitsApplyTo(principal: Principal): boolean {
  return principal.type === 'user';
}

/**
 * The limits on people asking for runs (Run now, retry, bulk retry, "Update stats"): a
 * cooldown per person and job, and at most N runs per person per hour (a window that starts at
 * their first). One request is one use of the cooldown however many runs it asks for (a bulk
 * retry of a job's failed runs); every run counts against the hourly limit, and the runs past
 * it are refused one by one. Counted atomically in Redis (rate-limiter-flexible), so parallel
 * requests never get past the limit. Returns, per run (in order), null or the refusal.
 */
export async function spendTriggerLimits(principal: Principal, jobNames: readonly string[], settings: Settings): Promise<(RateLimitedError | null)[]> {
  const refusals: (RateLimitedError | null)[] = jobNames.map(() => null);
  const prefix = queues().prefix;
  const cooldownSeconds = settings['triggers.jobCooldownSeconds'];
  if (cooldownSeconds > 0) {
    const cooldown = new RateLimiterRedis({ storeClient: redis(), keyPrefix: kickoffKeys.triggerCooldownPrefix(prefix), points: 1, duration: cooldownSeconds });
    for (const jobName of new Set(jobNames)) {
      const refused = await consumeOrRefusal(cooldown, `${jobName}:${principal.id}`, 1);
      if (!refused) continue;
      const error = new RateLimitedError(`You asked for a run of "${jobName}" moments ago; wait before asking again`, seconds(refused));
      jobNames.forEach((name, index) => {
        if (name === jobName) refusals[index] = error;
      });
    }
  }
  const wanted = refusals.filter((refusal) => refusal === null).length;
  if (wanted === 0) return refusals;
  const limit = settings['triggers.manualPerUserPerHour'];
  const hourly = new RateLimiterRedis({ storeClient: redis(), keyPrefix: kickoffKeys.manualTriggersPrefix(prefix), points: limit, duration: 3_600 });
  const consumed = await hourly.consume(principal.id, wanted).catch((rejection: unknown) => {
    if (rejection instanceof RateLimiterRes) return rejection;
    throw rejection;
  });
  const over = Math.min(wanted, consumed.consumedPoints - limit);
  if (over > 0) {
    // The refused runs were not made: give their points back.
    await hourly.reward(principal.id, over);
    const error = new RateLimitedError(`You have asked for ${limit} runs this hour, the most allowed`, seconds(consumed));
    let toRefuse = over;
    for (let index = refusals.length - 1; index >= 0 && toRefuse > 0; index -= 1) {
      if (refusals[index] === null) {
        refusals[index] = error;
        toRefuse -= 1;
      }
    }
  }
  return refusals;
}

async function consumeOrRefusal(limiter: RateLimiterRedis, key: string, points: number): Promise<RateLimiterRes | null> {
  try {
    await limiter.consume(key, points);
    return null;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rejection;
    throw rejection;
  }
}

const seconds = (result: RateLimiterRes) => Math.max(1, Math.ceil(result.msBeforeNext / 1_000));
