import type { JobHandler } from '../define-handler.ts';
import { probeHandler } from './diagnostics/probe.ts';
import { analysisHandlers } from './league/tracked-entry-updater.ts';
import { historicalHandlers } from './league/historical-stats-refresh.ts';
import { hybridHandlers } from './league/entry-updates.ts';
import { maintenanceLeagueHandlers } from './league/prize-pool-finalization.ts';
import { metaHandlers } from './league/sync-from-bootstrap.ts';
import { statsHandlers } from './league/stats-update.ts';
import { timeBasedHandlers } from './league/event-live-update.ts';
import { tournamentHandlers } from './league/update-tournaments.ts';
import { cleanupHandler } from './maintenance/cleanup.ts';

/** Every handler the worker runs, one per job in `lib/jobs/catalog.ts`. */
export const handlers: JobHandler[] = [
  ...([probeHandler, cleanupHandler] as unknown as JobHandler[]),
  ...metaHandlers,
  ...timeBasedHandlers,
  ...tournamentHandlers,
  ...hybridHandlers,
  ...historicalHandlers,
  ...statsHandlers,
  ...analysisHandlers,
  ...maintenanceLeagueHandlers,
];
