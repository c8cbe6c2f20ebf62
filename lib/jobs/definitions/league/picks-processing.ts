import { z } from 'zod';
import { defineJob } from '../../define-job.ts';
import { deadlineJob } from './retry-kinds.ts';

/**
 * Before a deadline, when managers make their picks: refreshes the summary of every entry we
 * know (entry/N), in batches under a concurrency cap; an entry the upstream no longer has
 * (404) is marked deleted. The "selection period" is the specification's hours 0-4 and 18-23
 * (Beijing time: 10:00–20:59 UTC, around the Saturday deadline) with a deadline within a day,
 * both judged in league time by the handler. The specification fires every 5 minutes of a
 * real league; the pack fires every minute, so a simulator running many league minutes per
 * real one still lands fires in the selection period.
 */
export const picksProcessingJob = defineJob({
  name: 'picks-processing',
  category: 'time-based',
  description: 'Refreshes every known entry before the next deadline; marks entries the upstream deleted.',
  schedule: { cron: '* * * * *', tz: 'UTC' },
  window: { hours: '0-4,18-23', tz: 'Asia/Shanghai' },
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
