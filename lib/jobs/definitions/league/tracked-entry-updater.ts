import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/**
 * Every minute: for each tracked entry (the least recently fetched first), the events of its
 * history after the last stored one (the last one again, as it may have been live), its
 * summary, and the first standings page of each of its classic leagues, whose members are
 * added as untracked entries. Skipped while nothing is tracked. Not retried: the next fire
 * is a minute away. Works entry by entry, each entry's writes in a transaction of its own,
 * under the entry jobs' error rules (worker/jobs/league/entry-loop.ts): an upstream rate
 * limit ends the phase, an upstream error skips the entry, a database error fails the run.
 */
export const trackedEntryUpdaterJob = defineJob({
  name: 'tracked-entry-updater',
  category: 'analysis',
  description: 'Refreshes the tracked entries (history, summary, league-mates) from the upstream.',
  schedule: { every: 60_000 },
  priority: 'medium',
  retry: { attempts: 1, backoff: 'none' },
  exclusive: { lockTtlMs: 2 * 60_000 },
  timeoutMs: 5 * 60_000,
  payload: z.object({}).strict(),
  config: z.object({
    maxEntries: z.number().int().min(1).max(1_000).default(50).meta({ title: 'Tracked entries per run', description: 'Tracked entries refreshed per run; the rest wait for the next runs (least recently fetched first).' }),
  }),
});
