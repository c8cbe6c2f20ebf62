import { afterAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import type { Principal } from '../auth/principal.ts';
import { db } from '../db.ts';
import { RateLimitedError } from '../errors.ts';
import { queues } from '../queue/queues.ts';
import { redis } from '../redis.ts';
import { defaultSettings } from '../settings.ts';
import { enforceManualTriggerLimits } from './trigger-limits.ts';

useOwnQueuePrefix('trigger-limits');
afterAll(async () => {
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

const person = (id: string, role: Principal['role'] = 'operator'): Principal => ({ type: 'user', id, label: `${id}@test`, role, grants: ['*'] });

describe('manual trigger limits', () => {
  it('allows N triggers per person per hour, then answers 429 with the wait', async () => {
    const settings = { ...defaultSettings(), 'triggers.manualPerUserPerHour': 3, 'triggers.jobCooldownSeconds': 0 };
    for (let index = 0; index < 3; index += 1) await enforceManualTriggerLimits(person('hourly'), 'probe', settings, false);
    const error = await enforceManualTriggerLimits(person('hourly'), 'probe', settings, false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBeGreaterThan(3_500);
    // another person is not affected
    await expect(enforceManualTriggerLimits(person('other'), 'probe', settings, false)).resolves.toBeUndefined();
  });

  it('holds a cooldown per person and job', async () => {
    const settings = { ...defaultSettings(), 'triggers.jobCooldownSeconds': 60 };
    await enforceManualTriggerLimits(person('cool'), 'probe', settings, false);
    const error = await enforceManualTriggerLimits(person('cool'), 'probe', settings, false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBeGreaterThan(55);
    await expect(enforceManualTriggerLimits(person('cool'), 'cleanup', settings, false)).resolves.toBeUndefined();
  });

  it('lets admins override, refuses the override to others, and never limits API keys', async () => {
    const settings = { ...defaultSettings(), 'triggers.manualPerUserPerHour': 1, 'triggers.jobCooldownSeconds': 60 };
    await enforceManualTriggerLimits(person('boss', 'admin'), 'probe', settings, false);
    await expect(enforceManualTriggerLimits(person('boss', 'admin'), 'probe', settings, false)).rejects.toBeInstanceOf(RateLimitedError);
    await expect(enforceManualTriggerLimits(person('boss', 'admin'), 'probe', settings, true)).resolves.toBeUndefined();
    await expect(enforceManualTriggerLimits(person('op'), 'probe', settings, true)).rejects.toMatchObject({ code: 'forbidden' });
    const key: Principal = { type: 'apiKey', id: 'k', label: 'key:x', role: 'admin', grants: [] };
    for (let index = 0; index < 5; index += 1) await enforceManualTriggerLimits(key, 'probe', settings, false);
  });
});
