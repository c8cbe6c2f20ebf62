import { z } from 'zod';
import { defineJob } from '../../define-job.ts';
import { deadlineJob } from './retry-kinds.ts';

/**
 * Before a deadline, when managers make their picks: refreshes the summary of every entry we
 * know (entry/N), in batches under a concurrency cap; an entry the upstream no longer has
 * (404) is marked deleted. The handler's condition skips a fire while no deadline is near.
 */
export const picksProcessingJob = defineJob({
  name: 'picks-processing',
  category: 'time-based',
  description: 'Refreshes every known entry before the next deadline; marks entries the upstream deleted.',
  schedule: { cron: '*/5 0-4,18-23 * * *', tz: 'Europe/London' },
  // Letletme §2.B: high. A deadline job (timing.deadline): must succeed the first time, so no
  // retry (the next fire is 5 minutes away), a 30 s lock, and a critical alert when it fails.
  priority: 'high',
  ...deadlineJob,
  payload: z.object({}).strict(),
  config: z.object({
    withinHoursOfDeadline: z.number().min(1).max(7 * 24).default(24).meta({ title: 'Run this close to a deadline', description: 'Scheduled fires run only while the next deadline is at most this far ahead.', unit: 'hours' }),
    batchSize: z.number().int().min(1).max(1_000).default(100).meta({ title: 'Batch size', description: 'Entries per batch (progress is reported after each).' }),
    concurrency: z.number().int().min(1).max(20).default(3).meta({ title: 'Upstream calls at once', description: 'Upstream calls at once.' }),
  }),
});
