import type { JobHandler } from '../define-handler.ts';
import { probeHandler } from './diagnostics/probe.ts';
import { analysisHandlers } from './league/analysis.ts';
import { historicalHandlers } from './league/historical.ts';
import { hybridHandlers } from './league/hybrid.ts';
import { maintenanceLeagueHandlers } from './league/maintenance.ts';
import { metaHandlers } from './league/meta.ts';
import { statsHandlers } from './league/stats.ts';
import { timeBasedHandlers } from './league/time-based.ts';
import { tournamentHandlers } from './league/tournament.ts';
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
