import type { JobHandler } from '../define-handler.ts';
import { probeHandler } from './diagnostics/probe.ts';

/** Every handler the worker runs, one per job in `lib/jobs/catalog.ts`. */
export const handlers: JobHandler[] = [probeHandler as unknown as JobHandler];
