import { z } from 'zod';
import type { SettingKey } from '../../../settings.ts';
import { defineJob } from '../../define-job.ts';

/**
 * stats-update: rebuilds the league's ten aggregate tables (the stats_steps migration), one
 * SQL function per table, all ten at once. Three triggers share this one job and are told
 * apart by the payload's `source` (and the run's `source` column):
 * - `post-match`: the NOTIFY listener, when a gameweek finishes (setting `stats.postMatch`);
 * - `admin`: the "Update stats" button, POST /api/league/stats-update (setting `stats.admin`);
 * - `cron`: nightly at 02:00 London time (setting `stats.cron`; a fire while it is off is
 *   recorded as skipped).
 */

export interface StatsStep {
  /** The step's name in payloads, results and logs. */
  name: string;
  /** The SQL function that rebuilds its table; returns the rows written. */
  sqlFunction: string;
  /** The table it rebuilds. */
  table: string;
  /** The web app's Next.js cache tags over this table (revalidated after the step commits). */
  cacheTags: string[];
  /** Two-level cache keys over this table start with this; the trailing `:` keeps `season` from matching `season-race`. */
  cacheKeyPrefix: string;
}

const step = (name: string, table: string): StatsStep => ({
  name,
  sqlFunction: `kickoff_stats_${name.replaceAll('-', '_')}`,
  table,
  cacheTags: [`stats:${name}`],
  cacheKeyPrefix: `history:stats:${name}:`,
});

export const statsSteps = [
  step('season', 'StatsSeason'),
  step('all-time', 'StatsAllTime'),
  step('hall-of-fame', 'StatsHallOfFame'),
  step('recent-form', 'StatsRecentForm'),
  step('records', 'StatsRecords'),
  step('gameweek-report', 'StatsGameweekReport'),
  step('personal-bests', 'StatsPersonalBest'),
  step('entry-profiles', 'StatsEntryProfile'),
  step('season-race', 'StatsSeasonRace'),
  step('power-ratings', 'StatsPowerRating'),
] as const satisfies readonly StatsStep[];

export type StatsStepName = (typeof statsSteps)[number]['name'];

const stepNames = statsSteps.map((s) => s.name) as [StatsStepName, ...StatsStepName[]];

/** The step of `name`; throws for a name that is not one (the payload schema keeps them out). */
export function statsStep(name: StatsStepName): StatsStep {
  const found = statsSteps.find((s) => s.name === name);
  if (!found) throw new Error(`unknown stats step "${name}"`);
  return found;
}

export const statsSources = ['post-match', 'admin', 'cron'] as const;
export type StatsSource = (typeof statsSources)[number];

/** Each source's switch in Settings, and what a run of a source that is off is told. */
export const statsSourceSwitches = {
  'post-match': { setting: 'stats.postMatch', offReason: 'Post-match stats are switched off in Settings' },
  admin: { setting: 'stats.admin', offReason: 'Stats updates from the dashboard are switched off in Settings' },
  cron: { setting: 'stats.cron', offReason: 'Nightly stats are switched off in Settings' },
} as const satisfies Record<StatsSource, { setting: SettingKey; offReason: string }>;

export const statsUpdateJob = defineJob({
  name: 'stats-update',
  category: 'stats',
  description: 'Rebuilds the league statistics (season tables, records, form, power ratings, …): ten SQL steps in parallel, each in its own transaction.',
  schedule: { cron: '0 2 * * *', tz: 'Europe/London' },
  exclusive: true,
  // Every step is a full rebuild, so a later attempt simply does it all again. BerkoTNF 002:
  // 3 attempts with exponential backoff (2 s, then 4 s).
  retry: { attempts: 3, backoff: 'exponential', delayMs: 2_000 },
  timeoutMs: 15 * 60_000,
  payload: z
    .object({
      source: z.enum(statsSources).default('cron').meta({ title: 'Source', description: 'Which trigger asked; a scheduled fire sends `{}`, hence the default.' }),
      eventId: z.number().int().min(1).max(38).optional().meta({ title: 'Gameweek', description: 'The gameweek that finished, for `post-match`.' }),
      steps: z
        .array(z.enum(stepNames))
        .min(1)
        .refine((names) => new Set(names).size === names.length, 'list each step once')
        .optional()
        .meta({ title: 'Steps', description: 'Only these steps. Default: all ten.' }),
    })
    .strict(),
  // The source that asked is the payload's: a run of a source switched off is refused (a
  // person) or skipped (the nightly fire, a gameweek's NOTIFY), on every path, retries included.
  policy: ({ payload, settings }) => {
    const source = statsSourceSwitches[payload.source];
    return settings[source.setting] ? null : { code: 'stats_source_off', reason: source.offReason };
  },
  // No `cacheTags` here: the handler revalidates each step's tags as soon as that step commits,
  // so the pages of the steps that succeeded refresh even when another step fails.
});
