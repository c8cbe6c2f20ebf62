import { isPackEnabled, type PackName } from '../packs.ts';
import type { JobDefinition } from './define-job.ts';
import { cleanupJob } from './definitions/cleanup.ts';
import { battleRaceUpdateJob } from './definitions/league/battle-race-update.ts';
import { bootstrapMetaJob } from './definitions/league/bootstrap-meta.ts';
import { cupUpdateJob } from './definitions/league/cup-update.ts';
import { entryAnalyzerJob } from './definitions/league/entry-analyzer.ts';
import { entryUpdatesJob } from './definitions/league/entry-updates.ts';
import { eventDataRefreshJob } from './definitions/league/event-data-refresh.ts';
import { eventLiveUpdateJob } from './definitions/league/event-live-update.ts';
import { historicalStatsRefreshJob } from './definitions/league/historical-stats-refresh.ts';
import { knockoutUpdateJob } from './definitions/league/knockout-update.ts';
import { leaderboardValidationJob } from './definitions/league/leaderboard-validation.ts';
import { liveScoresUpdateJob } from './definitions/league/live-scores-update.ts';
import { phasesUpdateJob } from './definitions/league/phases-update.ts';
import { picksProcessingJob } from './definitions/league/picks-processing.ts';
import { playerValueForceUpdateJob } from './definitions/league/player-value-force-update.ts';
import { pointsRaceUpdateJob } from './definitions/league/points-race-update.ts';
import { pointsRecalculationJob } from './definitions/league/points-recalculation.ts';
import { prizePoolFinalizationJob } from './definitions/league/prize-pool-finalization.ts';
import { standingsRefreshJob } from './definitions/league/standings-refresh.ts';
import { statsUpdateJob } from './definitions/league/stats-update.ts';
import { teamsUpdateJob } from './definitions/league/teams-update.ts';
import { tournamentEventDataJob } from './definitions/league/tournament-event-data.ts';
import { trackedEntryUpdaterJob } from './definitions/league/tracked-entry-updater.ts';
import { probeJob } from './definitions/probe.ts';

/**
 * Every job Kickoff knows, by name. This one map types both sides: what a trigger may send
 * (`PayloadInput<JobCatalog[N]>`) and what a handler receives (`PayloadOf<JobCatalog[N]>`).
 */
/** The league data service (the reference job pack): in the catalog while KICKOFF_PACKS has `league`. */
const leaguePack = {
  'bootstrap-meta': bootstrapMetaJob,
  'teams-update': teamsUpdateJob,
  'phases-update': phasesUpdateJob,
  'event-live-update': eventLiveUpdateJob,
  'live-scores-update': liveScoresUpdateJob,
  'picks-processing': picksProcessingJob,
  'points-race-update': pointsRaceUpdateJob,
  'battle-race-update': battleRaceUpdateJob,
  'knockout-update': knockoutUpdateJob,
  'cup-update': cupUpdateJob,
  'entry-updates': entryUpdatesJob,
  'tournament-event-data': tournamentEventDataJob,
  'historical-stats-refresh': historicalStatsRefreshJob,
  'stats-update': statsUpdateJob,
  'tracked-entry-updater': trackedEntryUpdaterJob,
  'entry-analyzer': entryAnalyzerJob,
  'prize-pool-finalization': prizePoolFinalizationJob,
  'leaderboard-validation': leaderboardValidationJob,
  // Triggered by hand only (the specification's manual meta and tournament jobs).
  'player-value-force-update': playerValueForceUpdateJob,
  'event-data-refresh': eventDataRefreshJob,
  'points-recalculation': pointsRecalculationJob,
  'standings-refresh': standingsRefreshJob,
} as const;

export const jobCatalog = {
  probe: probeJob,
  cleanup: cleanupJob,
  ...leaguePack,
} as const;

export type JobCatalog = typeof jobCatalog;
export type JobName = keyof JobCatalog;

// Each job sits under its own name (names are literal types): a key that is not its job's name does not compile.
jobCatalog satisfies { readonly [N in JobName]: { readonly name: N } };

/** The pack a job of the catalog belongs to, or null for Kickoff's own and a team's own jobs. */
export function packOf(name: string): PackName | null {
  return Object.hasOwn(leaguePack, name) ? 'league' : null;
}

let registered: Map<string, JobDefinition> | undefined;

/** The catalog as this process runs it: Kickoff's own jobs and those of the packs switched on. */
function registry(): Map<string, JobDefinition> {
  registered ??= new Map(
    (Object.entries(jobCatalog) as [string, JobDefinition][]).filter(([name]) => {
      const pack = packOf(name);
      return pack === null || isPackEnabled(pack);
    }),
  );
  return registered;
}

export function findJob(name: string): JobDefinition | undefined {
  return registry().get(name);
}

export function allJobs(): JobDefinition[] {
  return [...registry().values()];
}

/** Adds definitions beside the catalog's. For test fixtures only: production jobs belong in `jobCatalog`. */
export function registerJobs(jobs: readonly JobDefinition[]): void {
  for (const job of jobs) registry().set(job.name, job);
}
