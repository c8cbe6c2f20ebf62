import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import type { EntryTrackingOutcome } from '../../league/entry-tracking.ts';
import { runStatuses } from '../../jobs/run-state.ts';
import { cacheFamilyNames } from '../../cache/cache-families.ts';
import type { CachePurgeResult } from '../../league/purge-league-cache.ts';
import { cachePurgeBodySchema } from '../../validations/cache.ts';
import { entryIdSchema, entryPatchSchema } from '../../validations/league-entries.ts';
import { statsUpdateBodySchema } from '../../validations/league-stats.ts';
import { isoDateTime, operation } from './operation.ts';

const entryOutcomeSchema = z.object({
  entry: z.object({
    id: z.number().int(),
    name: z.string(),
    playerName: z.string(),
    tracked: z.boolean(),
    deleted: z.boolean(),
    summaryOverallRank: z.number().int().nullable(),
    summaryOverallPoints: z.number().int(),
    lastFetchedAt: isoDateTime.nullable(),
  }),
  created: z.boolean().meta({ description: 'The entry was new to Kickoff, fetched from the upstream' }),
}) satisfies z.ZodType<EntryTrackingOutcome>;

const familySchema = z.enum(cacheFamilyNames as [(typeof cacheFamilyNames)[number], ...(typeof cacheFamilyNames)[number][]]);
const cachePurgeResultSchema = z.object({
  families: z.array(familySchema).meta({ description: 'The families purged' }),
  removed: z.partialRecord(familySchema, z.number().int()).meta({ description: 'Keys Redis held, per family (0 while Redis is unreachable; the local copies go all the same)' }),
}) satisfies z.ZodType<CachePurgeResult>;

export const leaguePaths: ZodOpenApiPathsObject = {
  '/api/league/cache/purge': {
    post: operation({
      operationId: 'purgeLeagueCache',
      summary: 'Empty the league cache (the cache panel\'s "Purge")',
      description: 'Drops the key families (all by default) in Redis and in every process\'s local level; written to the audit log as `cache.purge`.',
      tags: ['League'],
      access: 'cache:purge',
      body: cachePurgeBodySchema,
      responses: { 200: { description: 'Purged', schema: cachePurgeResultSchema } },
      errors: { 422: 'An unknown family (`validation_failed`)' },
    }),
  },
  '/api/league/entries/{id}': {
    patch: operation({
      operationId: 'setEntryTracked',
      summary: 'Follow a league entry (the tracked-entry-updater refreshes it every minute) or stop',
      description: 'Following an entry Kickoff does not know yet fetches it from the upstream first.',
      tags: ['League'],
      access: 'jobs:trigger',
      path: z.object({ id: entryIdSchema.meta({ description: 'The upstream entry id' }) }),
      body: entryPatchSchema,
      responses: { 200: { description: 'The entry', schema: entryOutcomeSchema } },
      errors: {
        404: 'Not a valid entry id, or stopping to follow an entry Kickoff does not know (`not_found`)',
        422: 'The body, or an entry the upstream does not have (`validation_failed`)',
        503: 'The upstream did not answer (`service_unavailable`)',
      },
    }),
  },
  '/api/league/stats-update': {
    post: operation({
      operationId: 'triggerStatsUpdate',
      summary: 'Queue a stats-update run ("Update stats")',
      tags: ['League'],
      access: 'jobs:trigger',
      body: statsUpdateBodySchema,
      responses: {
        202: {
          description: 'Queued; or, with the queue (Redis) unreachable, run in the web process and ended (`fallback: true`, the run\'s source `fallback`)',
          schema: z.object({ runId: z.string(), status: z.enum(runStatuses), created: z.literal(true), fallback: z.literal(true).optional() }),
          location: true,
        },
        200: { description: 'The run an earlier request with the same `requestId` made', schema: z.object({ runId: z.string(), status: z.enum(runStatuses), created: z.literal(false) }) },
      },
      errors: {
        409: 'Stats updates from the dashboard are off in Settings (`stats_source_off`), Kickoff is paused (`paused`), the job is disabled (`job_disabled`), or it is already running (`already_running`)',
        429: 'The trigger rate limit or cooldown (`rate_limited`, with `Retry-After`)',
        503: 'The queue (Redis) answered but the run could not be queued (`service_unavailable`)',
      },
    }),
  },
};
