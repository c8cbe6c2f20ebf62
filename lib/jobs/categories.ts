/**
 * Categories. Every job belongs to exactly one; each category is one BullMQ queue with its
 * own concurrency (runs at once per worker process) and rate limit (runs started per window
 * across all workers of the queue: BullMQ's queue-wide limiter).
 */
export interface CategoryOptions {
  /** Runs of this category one worker process executes at once. */
  concurrency: number;
  /**
   * At most `max` runs start per `durationMs`, counted across every worker of the category's
   * queue (BullMQ's limiter, held in Redis). A run the worker's gate puts back (waiting for an
   * exclusive holder, held while paused) counts too, as BullMQ hands it out. Default: no limit.
   */
  rateLimit?: { max: number; durationMs: number };
  description: string;
}

/**
 * The Letletme specification's two processing queues (000, Configuration Management:
 * `ProcessingConfig.queues`) are Kickoff categories: its batch processor (3 at once, 5 starts a
 * second) is the batch work of `hybrid` (upstream calls in batches) and `tournament` (score
 * calculations); its analytics processor (2 at once, 2 a second) is `stats` (aggregates) and
 * `analysis` (entry analytics). The limit holds per category queue, so each of those four
 * categories has the figure on its own.
 */
const batchProcessor = { concurrency: 3, rateLimit: { max: 5, durationMs: 1_000 } } as const;
const analyticsProcessor = { concurrency: 2, rateLimit: { max: 2, durationMs: 1_000 } } as const;

export const categories = {
  // 2 at once: player-value-force-update may run beside a scheduled sync (Letletme, Manual Job
  // Triggers §3.A.2, "can run in parallel"); the exclusive syncs hold their own locks.
  meta: { concurrency: 2, description: 'Reference data that everything else reads' },
  'time-based': { concurrency: 5, description: 'Jobs tied to the clock and the match calendar' },
  tournament: { ...batchProcessor, description: 'Tournament standings and results' },
  hybrid: { ...batchProcessor, description: 'Jobs that mix local data with upstream calls in phases' },
  stats: { ...analyticsProcessor, description: 'Aggregates rebuilt from league data' },
  analysis: { ...analyticsProcessor, description: 'Tracking and analysis of entries' },
  maintenance: { concurrency: 1, description: 'Clean-up, validation and finalisation' },
  diagnostics: { concurrency: 10, description: 'Self-tests of the engine' },
} as const satisfies Record<string, CategoryOptions>;

export type Category = keyof typeof categories;

export const categoryNames = Object.keys(categories) as Category[];

/** The category's rate limit, or null when it has none. */
export function rateLimitOf(category: Category): { max: number; durationMs: number } | null {
  const options: CategoryOptions = categories[category];
  return options.rateLimit ?? null;
}

export function isCategory(value: string): value is Category {
  return Object.hasOwn(categories, value);
}
