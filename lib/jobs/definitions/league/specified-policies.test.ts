/**
 * The league jobs' priorities, retry policies, locks and time limits, and the categories' queue
 * settings, against the Letletme specification (../shared/seeds/000_…, 001_…), row by row. A row
 * names where the specification says it; the figures are the specification's, as Kickoff
 * states them (lib/jobs/definitions/league/retry-kinds.ts says how).
 */
import { describe, expect, it } from 'vitest';
import { categories } from '../../categories.ts';
import { jobCatalog, type JobName } from '../../catalog.ts';
import type { RetryOptions } from '../../define-job.ts';
import type { Priority } from '../../run-state.ts';

interface Specified {
  /** Where the specification says it (000 unless 001 is named). */
  where: string;
  category: string;
  priority: Priority;
  retry: Required<Pick<RetryOptions, 'attempts' | 'backoff'>>;
  /** Exclusive lock TTL in ms, or null for a job that may run beside itself. */
  lock: number | null;
  timeoutMs?: number;
  alertOnFailure?: 'critical';
}

const daily = { attempts: 3, backoff: 'exponential' } as const;
const matchDay = { attempts: 5, backoff: 'immediate' } as const;
const none = { attempts: 1, backoff: 'none' } as const;

const specified: Partial<Record<JobName, Specified>> = {
  'bootstrap-meta': { where: 'Job Categories §1.A; Configuration Management metaData.bootstrap.retries; Manual Job Triggers §3.A.1', category: 'meta', priority: 'high', retry: daily, lock: 5 * 60_000 },
  'teams-update': { where: 'Job Categories §1.A (TEAMS_UPDATE); timing.daily', category: 'meta', priority: 'medium', retry: daily, lock: null },
  'phases-update': { where: 'Job Categories §1.A (PHASES_UPDATE); timing.daily', category: 'meta', priority: 'medium', retry: daily, lock: null },
  'event-live-update': { where: 'Job Categories §2.A (EVENT_LIVE_UPDATE); timing.matchDay', category: 'time-based', priority: 'critical', retry: matchDay, lock: null },
  'live-scores-update': { where: 'Job Categories §2.A (LIVE_SCORES_UPDATE); timing.matchDay', category: 'time-based', priority: 'critical', retry: matchDay, lock: null },
  'picks-processing': { where: 'Job Categories §2.B (PICKS_PROCESSING); timing.deadline', category: 'time-based', priority: 'high', retry: none, lock: 30_000, alertOnFailure: 'critical' },
  'points-race-update': { where: 'Job Categories §3.A; 001 §2.A (tournament: medium)', category: 'tournament', priority: 'medium', retry: daily, lock: 5 * 60_000 },
  'knockout-update': { where: 'Job Categories §3.A; 001 §2.A (tournament: medium)', category: 'tournament', priority: 'medium', retry: daily, lock: 5 * 60_000 },
  'tournament-event-data': { where: 'hybrid.jobs.tournamentEventData (priority, timeout); retryStrategies.meta', category: 'hybrid', priority: 'high', retry: daily, lock: 5 * 60_000, timeoutMs: 3_600_000 },
  'player-value-force-update': { where: 'Manual Job Triggers §3.A.2', category: 'meta', priority: 'critical', retry: daily, lock: null, timeoutMs: 60_000 },
  'event-data-refresh': { where: 'Manual Job Triggers §3.A.3', category: 'meta', priority: 'high', retry: daily, lock: 2 * 60_000, timeoutMs: 2 * 60_000 },
  'points-recalculation': { where: 'Manual Job Triggers §3.B.1', category: 'tournament', priority: 'high', retry: daily, lock: 10 * 60_000, timeoutMs: 10 * 60_000 },
  'standings-refresh': { where: 'Manual Job Triggers §3.B.2', category: 'tournament', priority: 'medium', retry: daily, lock: null, timeoutMs: 5 * 60_000 },
};

describe("the league jobs keep the specification's policies", () => {
  it.each(Object.entries(specified) as [JobName, Specified][])('%s', (name, spec) => {
    const job = jobCatalog[name];
    expect({
      category: job.category,
      priority: job.priority,
      retry: { attempts: job.retry.attempts, backoff: job.retry.backoff },
      lock: job.exclusive?.lockTtlMs ?? null,
      ...(spec.timeoutMs !== undefined ? { timeoutMs: job.timeoutMs } : {}),
      ...(spec.alertOnFailure ? { alertOnFailure: job.alertOnFailure } : {}),
    }, spec.where).toEqual({
      category: spec.category,
      priority: spec.priority,
      retry: spec.retry,
      lock: spec.lock,
      ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
      ...(spec.alertOnFailure ? { alertOnFailure: spec.alertOnFailure } : {}),
    });
  });

  it('no other job asks for a failure alert of its own', () => {
    const asking = Object.values(jobCatalog).filter((job) => job.alertOnFailure !== null).map((job) => job.name);
    expect(asking).toEqual(['picks-processing']);
  });

  it('the manual jobs have no schedule', () => {
    for (const name of ['player-value-force-update', 'event-data-refresh', 'points-recalculation', 'standings-refresh'] as const) expect(jobCatalog[name].schedule).toBeNull();
  });
});

describe("the categories keep the specification's queues (Configuration Management: ProcessingConfig.queues)", () => {
  const batchProcessor = { concurrency: 3, rateLimit: { max: 5, durationMs: 1_000 } };
  const analyticsProcessor = { concurrency: 2, rateLimit: { max: 2, durationMs: 1_000 } };
  it.each([
    ['hybrid', batchProcessor],
    ['tournament', batchProcessor],
    ['stats', analyticsProcessor],
    ['analysis', analyticsProcessor],
  ] as const)('%s', (category, queue) => {
    const options = categories[category];
    expect({ concurrency: options.concurrency, rateLimit: 'rateLimit' in options ? options.rateLimit : null }).toEqual(queue);
  });

  it('the others have no rate limit', () => {
    const limited = Object.entries(categories)
      .filter(([, options]) => 'rateLimit' in options)
      .map(([name]) => name)
      .sort();
    expect(limited).toEqual(['analysis', 'hybrid', 'stats', 'tournament']);
  });
});
