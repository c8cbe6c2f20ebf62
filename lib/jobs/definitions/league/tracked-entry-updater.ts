import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/**
 * Every minute: for each tracked entry (the least recently fetched first), the events of its
 * history after the last stored one (the last one again, as it may have been live), its
 * summary, and the first standings page of each of its classic leagues, whose members are
 * added as untracked entries; a changed overall rank is kept as a row of EntryRank. Skipped
 * while nothing is tracked. Works entry by entry, each entry's writes in a transaction of its
 * own, under the entry jobs' error rules (worker/jobs/league/entry-loop.ts) made stricter as
 * Riot 003's Tracked Player Updater §3 says: an upstream rate limit fails the run, which is
 * retried with exponential backoff (1 s, 2 s, 4 s, at least the upstream's Retry-After); an
 * upstream error or another non-critical error skips the entry; a database error fails the run.
 */
export const trackedEntryUpdaterJob = defineJob({
  name: 'tracked-entry-updater',
  category: 'analysis',
  description: 'Refreshes the tracked entries (history, summary, league-mates) from the upstream.',
  schedule: { every: 60_000 },
  priority: 'medium',
  retry: { attempts: 4, backoff: 'exponential', delayMs: 1_000 },
  exclusive: { lockTtlMs: 2 * 60_000 },
  timeoutMs: 5 * 60_000,
  payload: z.object({}).strict(),
  config: z.object({
    maxEntries: z.number().int().min(1).max(1_000).default(50).meta({ title: 'Tracked entries per run', description: 'Tracked entries refreshed per run; the rest wait for the next runs (least recently fetched first).' }),
  }),
});
