import { afterAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import type { Principal } from '../auth/principal.ts';
import { db } from '../db.ts';
import { RateLimitedError } from '../errors.ts';
import { queues } from '../queue/queues.ts';
import { redis } from '../redis.ts';
import { defaultSettings } from '../settings.ts';
import { limitsApplyTo, spendTriggerLimits } from './trigger-limits.ts';

useOwnQueuePrefix('trigger-limits');
afterAll(async () => {
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

const person = (id: string, role: Principal['role'] = 'operator'): Principal => ({ type: 'user', id, label: `${id}@test`, role, grants: ['*'] });
const refusedCount = (refusals: (RateLimitedError | null)[]) => refusals.filter((refusal) => refusal !== null).length;

describe('trigger limits', () => {
  it('allows N runs per person per hour, then answers 429 with the wait', async () => {
    const settings = { ...defaultSettings(), 'triggers.manualPerUserPerHour': 3, 'triggers.jobCooldownSeconds': 0 };
    for (let index = 0; index < 3; index += 1) expect(await spendTriggerLimits(person('hourly'), ['probe'], settings)).toEqual([null]);
    const [error] = await spendTriggerLimits(person('hourly'), ['probe'], settings);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error!.retryAfterSeconds).toBeGreaterThan(3_500);
    // another person is not affected
    expect(await spendTriggerLimits(person('other'), ['probe'], settings)).toEqual([null]);
  });

  it('holds a cooldown per person and job', async () => {
    const settings = { ...defaultSettings(), 'triggers.jobCooldownSeconds': 60 };
    expect(await spendTriggerLimits(person('cool'), ['probe'], settings)).toEqual([null]);
    const [error] = await spendTriggerLimits(person('cool'), ['probe'], settings);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error!.retryAfterSeconds).toBeGreaterThan(55);
    expect(await spendTriggerLimits(person('cool'), ['cleanup'], settings)).toEqual([null]);
  });

  it('counts a bulk request as one use of the cooldown and every run against the hour, refusing only the runs past it', async () => {
    const settings = { ...defaultSettings(), 'triggers.manualPerUserPerHour': 4, 'triggers.jobCooldownSeconds': 60 };
    const refusals = await spendTriggerLimits(person('bulk'), ['probe', 'probe', 'probe', 'cleanup', 'cleanup', 'cleanup'], settings);
    expect(refusals.map((refusal) => refusal !== null)).toEqual([false, false, false, false, true, true]);
    // The refused two were given back (4 used, not 6): with the limit raised to 5, exactly one more fits.
    const raised = { ...settings, 'triggers.manualPerUserPerHour': 5 };
    expect(await spendTriggerLimits(person('bulk'), ['fx-a', 'fx-b'], raised).then(refusedCount)).toBe(1);
  });

  it('never lets parallel requests past the limit', async () => {
    const settings = { ...defaultSettings(), 'triggers.manualPerUserPerHour': 5, 'triggers.jobCooldownSeconds': 0 };
    const answers = await Promise.all(Array.from({ length: 30 }, () => spendTriggerLimits(person('racer'), ['probe'], settings)));
    expect(answers.filter(([refusal]) => refusal === null)).toHaveLength(5);
    const cooled = { ...settings, 'triggers.jobCooldownSeconds': 60 };
    const cooldownAnswers = await Promise.all(Array.from({ length: 30 }, () => spendTriggerLimits(person('racer-2'), ['probe'], cooled)));
    expect(cooldownAnswers.filter(([refusal]) => refusal === null)).toHaveLength(1);
  });

  it('applies to people signed in, not to API keys', () => {
    expect(limitsApplyTo(person('someone'))).toBe(true);
    expect(limitsApplyTo({ type: 'apiKey', id: 'k', label: 'key:x', role: 'admin', grants: [] })).toBe(false);
  });
});
