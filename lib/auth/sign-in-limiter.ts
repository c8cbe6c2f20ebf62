import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { env, type Env } from '../env.ts';
import { RateLimitedError, ServiceUnavailableError } from '../errors.ts';
import { redis } from '../redis.ts';
import { signInKeys } from '../redis-keys.ts';

export interface SignInLimits {
  /** Password checks an account may fail inside the window; the next attempt is refused until the lock ends. */
  maxFailures: number;
  /** How long failures count (from the first), and how long a lock lasts. */
  windowSeconds: number;
}

/** A client address may fail this many times as often as one account (people behind one NAT). */
export const addressFactor = 5;

/** What a password check took out of both counters; given back when the password was right. */
export interface Reservation {
  account: string;
  address: string | null;
}

/**
 * Failed sign-ins per account and per client address, counted in Redis by
 * rate-limiter-flexible. An attempt *takes* a point before its password is checked (one
 * atomic Lua INCR per key), so however many arrive at once, at most `maxFailures` of them
 * get as far as the check; a right password gives its point back. Failures count for the
 * window from the first one and then are forgotten; the attempt past the limit locks for one
 * window, and the lock ends by itself (attempts during it do not extend it). Unknown emails
 * are counted like known ones, so a lock says nothing about whether the account exists.
 */
export class SignInLimiter {
  private readonly byAccount: RateLimiterRedis;
  private readonly byAddress: RateLimiterRedis;

  constructor(
    readonly limits: SignInLimits,
    prefix: string,
    client = redis(),
  ) {
    const common = { storeClient: client, duration: limits.windowSeconds, blockDuration: limits.windowSeconds };
    this.byAccount = new RateLimiterRedis({ ...common, keyPrefix: signInKeys.failuresByAccount(prefix), points: limits.maxFailures });
    this.byAddress = new RateLimiterRedis({ ...common, keyPrefix: signInKeys.failuresByAddress(prefix), points: limits.maxFailures * addressFactor });
  }

  /**
   * Takes one attempt from the account's and the address's allowance, or refuses with 429
   * (Retry-After: when the lock ends) without anything being checked.
   */
  async reserve(account: string, address: string | null): Promise<Reservation> {
    const results = await Promise.allSettled([this.byAccount.consume(account), address ? this.byAddress.consume(address) : Promise.resolve(null)]);
    const refusals = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    const broken = refusals.find((reason) => !(reason instanceof RateLimiterRes));
    if (broken) throw new ServiceUnavailableError('Sign-in is unavailable: its limits live in Redis, which did not answer');
    if (refusals.length > 0) {
      const waitMs = Math.max(...refusals.map((reason) => (reason as RateLimiterRes).msBeforeNext));
      throw new RateLimitedError('Too many failed sign-ins; try again later', Math.max(1, Math.ceil(waitMs / 1_000)));
    }
    return { account, address };
  }

  /** The password was right: the attempt was not a failure. */
  async release(reservation: Reservation): Promise<void> {
    await Promise.all([this.byAccount.reward(reservation.account), reservation.address ? this.byAddress.reward(reservation.address) : null]);
  }

  /** When the account's lock ends, or null when it is not locked. */
  async lockedUntil(account: string): Promise<Date | null> {
    const state = await this.byAccount.get(account);
    return state && state.consumedPoints > this.limits.maxFailures ? new Date(Date.now() + state.msBeforeNext) : null;
  }

  /** Forgets an account's failures (an admin set a new password). */
  async clear(account: string): Promise<void> {
    await this.byAccount.delete(account);
  }
}

/** The limits as configured: SIGN_IN_MAX_FAILURES and SIGN_IN_WINDOW_SECONDS. */
export function signInLimitsFrom(settings: Env): SignInLimits {
  return { maxFailures: settings.SIGN_IN_MAX_FAILURES, windowSeconds: settings.SIGN_IN_WINDOW_SECONDS };
}

let shared: SignInLimiter | undefined;

/** The process's limiter, with the configured limits. */
export function signInLimiter(): SignInLimiter {
  shared ??= new SignInLimiter(signInLimitsFrom(env()), env().QUEUE_PREFIX);
  return shared;
}
