import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/**
 * The league's reference data (phases, teams, gameweeks, players, fixtures), which every other
 * league job reads. All three read bootstrap-static; the table-only jobs refresh one table
 * between the daily full syncs without touching the rest.
 */

const daily = { cron: '@daily', tz: 'Europe/London' };

/**
 * The full sync: bootstrap-static and every fixture, checked for consistency first (an
 * inconsistent answer is refused whole and not retried), then written in one transaction in
 * reference order, changed rows only; the cache keys of what changed are invalidated.
 * Exclusive: two full syncs at once would only fight over the same rows.
 */
export const bootstrapMetaJob = defineJob({
  name: 'bootstrap-meta',
  category: 'meta',
  description: 'Syncs phases, teams, gameweeks, players and fixtures from bootstrap-static; refuses inconsistent data.',
  schedule: daily,
  priority: 'high',
  exclusive: { lockTtlMs: 5 * 60_000 },
  retry: { attempts: 3, backoff: 'exponential' },
  payload: z.object({}).strict(),
});

/** Refreshes the Team table alone from bootstrap-static (same check, same writer as bootstrap-meta). */
export const teamsUpdateJob = defineJob({
  name: 'teams-update',
  category: 'meta',
  description: 'Refreshes the teams from bootstrap-static.',
  schedule: daily,
  priority: 'medium',
  payload: z.object({}).strict(),
});

/** Refreshes the Phase table alone from bootstrap-static (same check, same writer as bootstrap-meta). */
export const phasesUpdateJob = defineJob({
  name: 'phases-update',
  category: 'meta',
  description: 'Refreshes the phases (the season and its months) from bootstrap-static.',
  schedule: daily,
  priority: 'medium',
  payload: z.object({}).strict(),
});

export const metaJobs = [bootstrapMetaJob, teamsUpdateJob, phasesUpdateJob] as const;
