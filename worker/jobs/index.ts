import type { JobCatalog, JobName } from '@/lib/jobs/catalog.ts';
import type { JobHandler } from '../define-handler.ts';
import { probeHandler } from './diagnostics/probe.ts';
import { battleRaceUpdateHandler } from './league/battle-race-update.ts';
import { bootstrapMetaHandler } from './league/bootstrap-meta.ts';
import { cupUpdateHandler } from './league/cup-update.ts';
import { entryAnalyzerHandler } from './league/entry-analyzer.ts';
import { entryUpdatesHandler } from './league/entry-updates.ts';
import { eventDataRefreshHandler } from './league/event-data-refresh.ts';
import { eventLiveUpdateHandler } from './league/event-live-update.ts';
import { historicalStatsRefreshHandler } from './league/historical-stats-refresh.ts';
import { knockoutUpdateHandler } from './league/knockout-update.ts';
import { leaderboardValidationHandler } from './league/leaderboard-validation.ts';
import { liveScoresUpdateHandler } from './league/live-scores-update.ts';
import { phasesUpdateHandler } from './league/phases-update.ts';
import { picksProcessingHandler } from './league/picks-processing.ts';
import { playerValueForceUpdateHandler } from './league/player-value-force-update.ts';
import { pointsRaceUpdateHandler } from './league/points-race-update.ts';
import { pointsRecalculationHandler } from './league/points-recalculation.ts';
import { prizePoolFinalizationHandler } from './league/prize-pool-finalization.ts';
import { standingsRefreshHandler } from './league/standings-refresh.ts';
import { statsUpdateHandler } from './league/stats-update.ts';
import { teamsUpdateHandler } from './league/teams-update.ts';
import { tournamentEventDataHandler } from './league/tournament-event-data.ts';
import { trackedEntryUpdaterHandler } from './league/tracked-entry-updater.ts';
import { cleanupHandler } from './maintenance/cleanup.ts';

/**
 * One handler for each job of `lib/jobs/catalog.ts`, under its name (as graphile-worker's
 * task list): a job without a handler, or a handler under another job's name (job names are
 * literal types), does not compile.
 */
export type HandlerMap = { readonly [N in JobName]: JobHandler<JobCatalog[N]> };

export const handlerMap: HandlerMap = {
  probe: probeHandler,
  cleanup: cleanupHandler,
  'bootstrap-meta': bootstrapMetaHandler,
  'teams-update': teamsUpdateHandler,
  'phases-update': phasesUpdateHandler,
  'event-live-update': eventLiveUpdateHandler,
  'live-scores-update': liveScoresUpdateHandler,
  'picks-processing': picksProcessingHandler,
  'points-race-update': pointsRaceUpdateHandler,
  'battle-race-update': battleRaceUpdateHandler,
  'knockout-update': knockoutUpdateHandler,
  'cup-update': cupUpdateHandler,
  'entry-updates': entryUpdatesHandler,
  'tournament-event-data': tournamentEventDataHandler,
  'historical-stats-refresh': historicalStatsRefreshHandler,
  'stats-update': statsUpdateHandler,
  'tracked-entry-updater': trackedEntryUpdaterHandler,
  'entry-analyzer': entryAnalyzerHandler,
  'prize-pool-finalization': prizePoolFinalizationHandler,
  'leaderboard-validation': leaderboardValidationHandler,
  'player-value-force-update': playerValueForceUpdateHandler,
  'event-data-refresh': eventDataRefreshHandler,
  'points-recalculation': pointsRecalculationHandler,
  'standings-refresh': standingsRefreshHandler,
};

/** Every handler the worker runs, as the runner takes them. */
export const handlers: JobHandler[] = Object.values(handlerMap);
