import type { JobDefinition } from './define-job.ts';
import { cleanupJob } from './definitions/cleanup.ts';
import { entryAnalyzerJob, trackedEntryUpdaterJob } from './definitions/league/tracked-entry-updater.ts';
import { historicalStatsRefreshJob } from './definitions/league/historical-stats-refresh.ts';
import { entryUpdatesJob, tournamentEventDataJob } from './definitions/league/entry-updates.ts';
import { leaderboardValidationJob, prizePoolFinalizationJob } from './definitions/league/prize-pool-finalization.ts';
import { bootstrapMetaJob, phasesUpdateJob, teamsUpdateJob } from './definitions/league/bootstrap-meta.ts';
import { statsUpdateJob } from './definitions/league/stats-update.ts';
import { eventLiveUpdateJob, liveScoresUpdateJob, picksProcessingJob } from './definitions/league/event-live-update.ts';
import { battleRaceUpdateJob, cupUpdateJob, knockoutUpdateJob, pointsRaceUpdateJob } from './definitions/league/points-race-update.ts';
import { probeJob } from './definitions/probe.ts';

/**
 * Every job Kickoff knows, by name. This one map types both sides: what a trigger may send
 * (`PayloadInput<JobCatalog[N]>`) and what a handler receives (`PayloadOf<JobCatalog[N]>`).
 */
export const jobCatalog = {
  probe: probeJob,
  cleanup: cleanupJob,
  // The league data service (the reference job pack).
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
} as const;

export type JobCatalog = typeof jobCatalog;
export type JobName = keyof JobCatalog;

const registry = new Map<string, JobDefinition>(Object.entries(jobCatalog) as [string, JobDefinition][]);

export function findJob(name: string): JobDefinition | undefined {
  return registry.get(name);
}

export function allJobs(): JobDefinition[] {
  return [...registry.values()];
}

/** Adds definitions beside the catalog's. For test fixtures only: production jobs belong in `jobCatalog`. */
export function registerJobs(jobs: readonly JobDefinition[]): void {
  for (const job of jobs) registry.set(job.name, job);
}
