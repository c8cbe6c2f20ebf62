import type { JobHandler } from '../define-handler.ts';
import { probeHandler } from './diagnostics/probe.ts';
import { historicalHandlers } from './league/historical.ts';
import { metaHandlers } from './league/meta.ts';
import { timeBasedHandlers } from './league/time-based.ts';
import { cleanupHandler } from './maintenance/cleanup.ts';

/** Every handler the worker runs, one per job in `lib/jobs/catalog.ts`. */
export const handlers: JobHandler[] = [
  ...([probeHandler, cleanupHandler] as unknown as JobHandler[]),
  ...metaHandlers,
  ...timeBasedHandlers,
  ...historicalHandlers,
];
