import type { Principal } from '../auth/principal.ts';
import { ForbiddenError, RateLimitedError } from '../errors.ts';
import { kickoffKeys } from '../redis-keys.ts';
import { queues } from '../queue/queues.ts';
import { redis } from '../redis.ts';
import type { Settings } from '../settings.ts';


/**
 * Limits on people pressing "Run now": a cooldown per person and job, and at most N manual
 * triggers per person per hour (counted from their first in the window). Admins may
 * override, which the audit log records. API keys are not limited here.
 */
export async function enforceManualTriggerLimits(principal: Principal, jobName: string, settings: Settings, override: boolean): Promise<void> {
  if (principal.type !== 'user') return;
  if (override) {
    if (principal.role !== 'admin') throw new ForbiddenError('Only admins may override the trigger limits');
    return;
  }
  const cooldownMs = settings['triggers.jobCooldownSeconds'] * 1_000;
  if (cooldownMs > 0) {
    const set = await redis().set(kickoffKeys.triggerCooldown(queues().prefix, jobName, principal.id), '1', 'PX', cooldownMs, 'NX');
    if (set !== 'OK') {
      const waitMs = await redis().pttl(kickoffKeys.triggerCooldown(queues().prefix, jobName, principal.id));
      throw new RateLimitedError(`You triggered "${jobName}" moments ago; wait before running it again`, Math.max(1, Math.ceil(waitMs / 1_000)));
    }
  }
  const counter = kickoffKeys.manualTriggers(queues().prefix, principal.id);
  const count = await redis().incr(counter);
  if (count === 1) await redis().expire(counter, 3_600);
  const limit = settings['triggers.manualPerUserPerHour'];
  if (count > limit) {
    const waitSeconds = await redis().ttl(counter);
    throw new RateLimitedError(`You have made ${limit} manual triggers this hour, the most allowed`, Math.max(1, waitSeconds));
  }
}
