import { Prisma } from '@/lib/db.ts';
import { isNotFound, isUpstreamError, type UpstreamError } from '@/lib/league/upstream-client.ts';
import type { RunContext } from '../../run-context.ts';

/**
 * How the entry jobs (tracked-entry-updater, entry-analyzer) work through a list, one item at
 * a time, each item's writes in a transaction of its own, so that one item's trouble costs
 * only what it should:
 *
 * - an upstream rate limit (429) ends the phase at once: asking again now would only be
 *   refused again, and the items left wait for the next run (`phasesCutShort`);
 * - any other upstream error (5xx, network, timeout, a body that fails its schema) skips the
 *   item: it is still due and the next run tries it again;
 * - an item's own trouble that the job knows is harmless (a SkipItemError: the analyzer's
 *   scoring error for one entry) skips the item, logged;
 * - anything else, a database error above all, fails the phase and with it the run: that
 *   item's transaction has rolled back, the items before it keep what they wrote, and the
 *   error names the phase and the item.
 *
 * A job may ask for stricter or looser rules (PhaseOptions): tracked-entry-updater fails the
 * run on a rate limit, so that it is retried with backoff (Riot 003, Tracked Player Updater
 * §3), and skips any non-critical error (everything but the database's).
 */

/** Thrown by an item's work to have that item skipped, logged, and the phase go on. */
export class SkipItemError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SkipItemError';
  }
}

/**
 * The upstream's 429, thrown out of the phase so the run fails and is retried; it keeps the
 * upstream's Retry-After, which the retry waits at least (lib/queue/backoff.ts).
 */
export class RateLimitedError extends Error {
  readonly retryAfterMs?: number;
  constructor(phase: string, item: string, cause: UpstreamError) {
    super(`phase "${phase}" rate limited at ${item}: ${cause.message}`, { cause });
    this.name = 'RateLimitedError';
    if (cause.retryAfterMs !== undefined) this.retryAfterMs = cause.retryAfterMs;
  }
}

/** A database error: the one kind of trouble that is always critical. */
export function isDatabaseError(error: unknown): boolean {
  return (
    error instanceof Prisma.PrismaClientKnownRequestError ||
    error instanceof Prisma.PrismaClientUnknownRequestError ||
    error instanceof Prisma.PrismaClientInitializationError ||
    error instanceof Prisma.PrismaClientRustPanicError ||
    (error instanceof Error && error.name === 'DriverAdapterError')
  );
}

export class PhaseFailedError extends Error {
  constructor(
    readonly phase: string,
    readonly item: string,
    cause: unknown,
  ) {
    super(`phase "${phase}" failed at ${item}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'PhaseFailedError';
  }
}

export interface PhaseOutcome {
  /** Items worked through (not skipped). */
  done: number;
  skipped: number;
  /** Ended early by a rate limit; the items after it were not tried. */
  cutShort: boolean;
}

export interface PhaseOptions<T> {
  phase: string;
  items: readonly T[];
  /** The item in the run's log and errors, e.g. `entry 42`. */
  label: (item: T) => string;
  /** The counter of skipped items, e.g. `entriesSkipped`. */
  skippedCounter: string;
  /** On an upstream 429: end the phase (default) or fail the run so it is retried with backoff. */
  onRateLimit?: 'end-phase' | 'fail-run';
  /** Skip an item on any error that is not the database's (default: only on upstream errors and SkipItemError). */
  skipNonCritical?: boolean;
}

/** Runs `work` on each item as the phase `options.phase`, under the rules above. */
export function workThrough<T>(ctx: RunContext<unknown, unknown>, options: PhaseOptions<T>, work: (item: T) => Promise<void>): Promise<PhaseOutcome> {
  return ctx.phase(options.phase, async () => {
    const outcome: PhaseOutcome = { done: 0, skipped: 0, cutShort: false };
    for (const item of options.items) {
      ctx.signal.throwIfAborted();
      try {
        await work(item);
        outcome.done += 1;
      } catch (error) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        if (isUpstreamError(error) && error.status === 429 && options.onRateLimit === 'fail-run') {
          ctx.count('rateLimited');
          throw new RateLimitedError(options.phase, options.label(item), error);
        }
        if (isUpstreamError(error) && error.status === 429) {
          ctx.log(`${options.phase}: rate limited at ${options.label(item)}; the phase ends here, ${options.items.length - outcome.done - outcome.skipped} items wait for the next run`);
          ctx.count('phasesCutShort');
          outcome.cutShort = true;
          break;
        }
        if (isUpstreamError(error) || error instanceof SkipItemError || (options.skipNonCritical && !isDatabaseError(error))) {
          ctx.log(`${options.phase}: skipped ${options.label(item)}: ${error instanceof Error ? error.message : String(error)}`);
          ctx.count(options.skippedCounter);
          outcome.skipped += 1;
          continue;
        }
        throw new PhaseFailedError(options.phase, options.label(item), error);
      }
    }
    return outcome;
  });
}

/** The upstream's answer, or null when it answers 404 (an entry deleted upstream). */
export async function unlessGone<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** Named totals that also land on the run as counters as they grow. */
export function tally<K extends string>(ctx: RunContext<unknown, unknown>, names: readonly K[]) {
  const totals = Object.fromEntries(names.map((name) => [name, 0])) as Record<K, number>;
  return {
    totals,
    add(name: K, n = 1): void {
      if (n === 0) return;
      totals[name] += n;
      ctx.count(name, n);
    },
  };
}
