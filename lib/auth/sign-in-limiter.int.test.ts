/**
 * The sign-in limits against real PostgreSQL and Redis: parallel attempts never get more
 * password checks than the limit, a lock and the failures before it end by themselves, an
 * address is limited across accounts, and an unknown, disabled or locked account answers as
 * a known one does, in the same time.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { errorResponse } from '../api/errors.ts';
import { db } from '../db.ts';
import { parseEnv } from '../env.ts';
import { redis } from '../redis.ts';
import { hashPassword } from './password.ts';
import { signIn } from './sign-in.ts';
import { addressFactor, SignInLimiter, signInLimitsFrom } from './sign-in-limiter.ts';

const prefix = useOwnQueuePrefix('sign-in-limits');
const password = 'the-right-password';
let passwordHash: string;

beforeAll(async () => {
  passwordHash = await hashPassword(password);
});
afterAll(async () => {
  redis().disconnect();
  await db().$disconnect();
});

/** A limiter of the test's own (its keys under a fresh prefix), with limits read the way the app reads them. */
function limiterWith(variables: Record<string, string> = {}): SignInLimiter {
  return new SignInLimiter(signInLimitsFrom(parseEnv({ ...process.env, ...variables })), `${prefix}:${randomUUID()}`);
}

async function newUser(options: { disabled?: boolean } = {}): Promise<string> {
  const email = `limits-${randomUUID()}@kickoff.test`;
  await db().user.create({ data: { email, passwordHash, role: 'viewer', disabledAt: options.disabled ? new Date() : null } });
  return email;
}

/** One attempt as the API answers it: its status and error body. */
async function attempt(limiter: SignInLimiter, email: string, tried: string, ip: string | null = null): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
  try {
    await signIn({ email, password: tried }, { ip, userAgent: 'vitest' }, limiter);
    return { status: 200, body: {} };
  } catch (error) {
    const response = errorResponse(error);
    return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
  }
}

const countOf = (statuses: number[], status: number) => statuses.filter((value) => value === status).length;

describe('sign-in limits', () => {
  it('checks at most 5 of 50 parallel wrong passwords for one account; the rest are 429 unchecked', async () => {
    const limiter = limiterWith();
    expect(limiter.limits.maxFailures).toBe(5);
    const email = await newUser();
    const statuses = (await Promise.all(Array.from({ length: 50 }, () => attempt(limiter, email, 'wrong')))).map((result) => result.status);
    expect(countOf(statuses, 401)).toBe(5);
    expect(countOf(statuses, 429)).toBe(45);
    expect((await attempt(limiter, email, password)).status).toBe(429);
    expect(await limiter.lockedUntil(email)).toBeInstanceOf(Date);
  });

  it('checks at most 5 of 50 parallel attempts even with the right password among them', async () => {
    const limiter = limiterWith();
    const email = await newUser();
    const passwords = Array.from({ length: 50 }, (_, index) => (index === 3 ? password : 'wrong'));
    const statuses = (await Promise.all(passwords.map((tried) => attempt(limiter, email, tried)))).map((result) => result.status);
    expect(countOf(statuses, 401) + countOf(statuses, 200)).toBeLessThanOrEqual(5);
    expect(countOf(statuses, 429)).toBeGreaterThanOrEqual(45);
  });

  it('counts an unknown email like a known one: 5 checked, then 429 with the same body as a locked account', async () => {
    const limiter = limiterWith();
    const known = await newUser();
    const unknown = `nobody-${randomUUID()}@kickoff.test`;
    const knownResults = await Promise.all(Array.from({ length: 12 }, () => attempt(limiter, known, 'wrong')));
    const unknownResults = await Promise.all(Array.from({ length: 12 }, () => attempt(limiter, unknown, 'wrong')));
    expect(countOf(knownResults.map((result) => result.status), 401)).toBe(5);
    expect(countOf(unknownResults.map((result) => result.status), 401)).toBe(5);
    const lockedKnown = knownResults.find((result) => result.status === 429)!;
    const lockedUnknown = unknownResults.find((result) => result.status === 429)!;
    expect(lockedUnknown.body).toEqual(lockedKnown.body);
    expect(unknownResults.find((result) => result.status === 401)!.body).toEqual(knownResults.find((result) => result.status === 401)!.body);
  });

  it('answers an unknown, a disabled and a known account alike, in about the same time (scrypt against a dummy hash)', async () => {
    const limiter = limiterWith({ SIGN_IN_MAX_FAILURES: '100' });
    const known = await newUser();
    const disabled = await newUser({ disabled: true });
    await attempt(limiter, `warm-up-${randomUUID()}@kickoff.test`, 'wrong'); // the dummy hash is made once, on first use
    const median = async (email: () => string, tried: string) => {
      const times: number[] = [];
      let status = 0;
      for (let index = 0; index < 7; index += 1) {
        const startedAt = performance.now();
        status = (await attempt(limiter, email(), tried)).status;
        times.push(performance.now() - startedAt);
      }
      return { status, ms: times.sort((a, b) => a - b)[3]! };
    };
    const knownWrong = await median(() => known, 'wrong');
    const unknownWrong = await median(() => `nobody-${randomUUID()}@kickoff.test`, 'wrong');
    const disabledRight = await median(() => disabled, password);
    expect([knownWrong.status, unknownWrong.status, disabledRight.status]).toEqual([401, 401, 401]);
    // Before the dummy hash an unknown email took ~3 ms and a known one ~68 ms (20×); now both pay for scrypt.
    for (const other of [unknownWrong, disabledRight]) {
      expect(other.ms / knownWrong.ms, `${other.ms.toFixed(1)} ms against ${knownWrong.ms.toFixed(1)} ms`).toBeGreaterThan(1 / 3);
      expect(other.ms / knownWrong.ms, `${other.ms.toFixed(1)} ms against ${knownWrong.ms.toFixed(1)} ms`).toBeLessThan(3);
    }
  });

  it('ends a lock by itself after the configured window, and one failure after it does not lock again', async () => {
    // A window that the three failing attempts (a password check each, slow on a loaded machine) fit in.
    const limiter = limiterWith({ SIGN_IN_MAX_FAILURES: '3', SIGN_IN_WINDOW_SECONDS: '4' });
    const email = await newUser();
    for (let index = 0; index < 3; index += 1) expect((await attempt(limiter, email, 'wrong')).status).toBe(401);
    const locked = await attempt(limiter, email, password);
    expect(locked.status).toBe(429);
    const until = (await limiter.lockedUntil(email))!;
    // Attempts during the lock are refused without extending it.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await attempt(limiter, email, password)).status).toBe(429);
    expect((await limiter.lockedUntil(email))!.getTime()).toBeLessThanOrEqual(until.getTime() + 100);
    await waitUntilUnlocked(limiter, email);
    expect((await attempt(limiter, email, 'wrong')).status).toBe(401);
    expect((await attempt(limiter, email, password)).status).toBe(200);
  });

  it('forgets failures once the window has passed (they decay; no lock from old failures)', async () => {
    // A window long enough that the four attempts after it (a password check each, slow on a loaded machine) fit in the next one.
    const limiter = limiterWith({ SIGN_IN_MAX_FAILURES: '3', SIGN_IN_WINDOW_SECONDS: '6' });
    const email = await newUser();
    for (let index = 0; index < 2; index += 1) expect((await attempt(limiter, email, 'wrong')).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 6_300));
    for (let index = 0; index < 3; index += 1) expect((await attempt(limiter, email, 'wrong')).status).toBe(401);
    expect((await attempt(limiter, email, password)).status).toBe(429);
  });

  it('does not count a right password as a failure', async () => {
    const limiter = limiterWith({ SIGN_IN_MAX_FAILURES: '2' });
    const email = await newUser();
    for (let index = 0; index < 4; index += 1) expect((await attempt(limiter, email, password)).status).toBe(200);
    expect((await attempt(limiter, email, 'wrong')).status).toBe(401);
    expect((await attempt(limiter, email, password)).status).toBe(200);
  });

  it('limits one client address across accounts (five times the per-account limit)', async () => {
    const limiter = limiterWith({ SIGN_IN_MAX_FAILURES: '2' });
    const perAddress = 2 * addressFactor;
    const ip = '203.0.113.50';
    for (let index = 0; index < perAddress; index += 1) expect((await attempt(limiter, `spray-${index}-${randomUUID()}@kickoff.test`, 'wrong', ip)).status).toBe(401);
    const email = await newUser();
    expect((await attempt(limiter, email, password, ip)).status).toBe(429);
    expect((await attempt(limiter, email, password, '203.0.113.51')).status).toBe(200);
  });

  it('counts in Redis under the keys of lib/redis-keys.ts', async () => {
    const limiter = limiterWith();
    const email = `keys-${randomUUID()}@kickoff.test`;
    await attempt(limiter, email, 'wrong', '198.51.100.9');
    const keys = await redis().keys(`${prefix}:*${email}`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/:kickoff:sign-in-failures:account:/);
    expect(await redis().keys(`${prefix}:*:kickoff:sign-in-failures:address:198.51.100.9`)).toHaveLength(1);
  });
});

async function waitUntilUnlocked(limiter: SignInLimiter, email: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((await limiter.lockedUntil(email)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await limiter.lockedUntil(email)).toBeNull();
}
