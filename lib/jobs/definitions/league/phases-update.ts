import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/** Refreshes the Phase table alone from bootstrap-static (same check, same writer as bootstrap-meta), between its daily full syncs. */
export const phasesUpdateJob = defineJob({
  name: 'phases-update',
  category: 'meta',
  description: 'Refreshes the phases (the season and its months) from bootstrap-static.',
  schedule: { cron: '@daily', tz: 'Europe/London' },
  priority: 'medium',
  payload: z.object({}).strict(),
});
