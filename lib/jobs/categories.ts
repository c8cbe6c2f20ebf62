/**
 * Categories. Every job belongs to exactly one; each category is one BullMQ queue with its
 * own concurrency (runs at once per worker process) and rate limit (runs per window across
 * all workers).
 */
export interface CategoryOptions {
  /** Runs of this category one worker process executes at once. */
  concurrency: number;
  /** At most `max` runs start per `durationMs` across all workers. Default: no limit. */
  rateLimit?: { max: number; durationMs: number };
  description: string;
}

export const categories = {
  meta: { concurrency: 1, description: 'Reference data that everything else reads' },
  'time-based': { concurrency: 5, description: 'Jobs tied to the clock and the match calendar' },
  tournament: { concurrency: 2, description: 'Tournament standings and results' },
  hybrid: { concurrency: 3, description: 'Jobs that mix local data with upstream calls in phases' },
  stats: { concurrency: 2, description: 'Aggregates rebuilt from league data' },
  analysis: { concurrency: 2, description: 'Tracking and analysis of entries' },
  maintenance: { concurrency: 1, description: 'Clean-up, validation and finalisation' },
  diagnostics: { concurrency: 10, description: 'Self-tests of the engine' },
} as const satisfies Record<string, CategoryOptions>;

export type Category = keyof typeof categories;

export const categoryNames = Object.keys(categories) as Category[];

export function isCategory(value: string): value is Category {
  return Object.hasOwn(categories, value);
}
