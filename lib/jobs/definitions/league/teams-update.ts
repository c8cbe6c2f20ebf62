import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/** Refreshes the Team table alone from bootstrap-static (same check, same writer as bootstrap-meta), between its daily full syncs. */
export const teamsUpdateJob = defineJob({
  name: 'teams-update',
  category: 'meta',
  description: 'Refreshes the teams from bootstrap-static.',
  schedule: { cron: '@daily', tz: 'Europe/London' },
  priority: 'medium',
  payload: z.object({}).strict(),
});
