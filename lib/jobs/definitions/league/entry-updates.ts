import { z } from 'zod';
import { defineJob } from '../../define-job.ts';
import { upstreamBatchConfig } from './upstream-batch-config.ts';

/**
 * Keeps followed entries fresh: every half hour, up to `maxEntries` entries of the known
 * leagues (the least recently fetched first) get their summary and event history from the
 * upstream. A 404 marks an entry deleted. Exclusive, so two runs never fetch the same entries.
 * A hybrid job: it reads from the database what to fetch, calls the upstream for it in
 * rate-limited batches, and writes the answers back, in the phases meta → external →
 * integration.
 */
export const entryUpdatesJob = defineJob({
  name: 'entry-updates',
  category: 'hybrid',
  description: "Fetches the summary and event history of the known leagues' entries, least recently fetched first, within the shared upstream rate limit.",
  schedule: { cron: '*/30 * * * *', tz: 'Europe/London' },
  retry: { attempts: 3, backoff: 'exponential', delayMs: 60_000 },
  exclusive: { lockTtlMs: 5 * 60_000 },
  timeoutMs: 30 * 60_000,
  payload: z.object({}).strict(),
  config: z.object({
    ...upstreamBatchConfig,
    maxEntries: z.number().int().min(1).max(10_000).default(100).meta({ title: 'Entries per run', description: 'Entries fetched per run (two requests each).' }),
  }),
});
