import { z } from 'zod';
import { runStatuses, runTriggers } from '../jobs/run-state.ts';
import { isoDateTime } from './date-time.ts';
import { jsonValueSchema, text } from './text.ts';

const optionalText = (max: number) => text({ min: 1, max }).optional();

/** `POST /api/jobs/:name/trigger` */
export const triggerBodySchema = z
  .object({
    payload: jsonValueSchema.optional(),
    requestId: text({ min: 1, max: 128 })
      .regex(/^[\w.:-]+$/, 'use letters, digits and . _ : - only')
      .optional(),
    source: optionalText(64),
    /** Admins only: trigger past the manual-trigger limits (the dashboard asks first). */
    override: z.boolean().optional(),
    /** "Run again" from a run's page: the run this one replays (recorded as `replayOf`). */
    replayOf: text({ min: 1, max: 200 }).optional(),
  })
  .strict();
export type TriggerBody = z.infer<typeof triggerBodySchema>;

/** Most runs one bulk trigger may ask for (one statement, one `addBulk`; the body's 256 KiB bound holds too). */
export const maxBulkTriggerRuns = 1_000;

/** `POST /api/jobs/:name/trigger` with `runs`: many runs of one job, each with its own payload and requestId. */
export const bulkTriggerBodySchema = z
  .object({
    runs: z
      .array(triggerBodySchema.pick({ payload: true, requestId: true }).strict())
      .min(1)
      .max(maxBulkTriggerRuns),
    source: optionalText(64),
    override: z.boolean().optional(),
  })
  .strict();
export type BulkTriggerBody = z.infer<typeof bulkTriggerBodySchema>;

/** The trigger route's body: one run, or (with `runs`) many. */
export const triggerRouteBodySchema = z.union([bulkTriggerBodySchema, triggerBodySchema]);

/** `POST /api/runs/:id/retry` (the body may be empty). */
export const retryBodySchema = triggerBodySchema.pick({ override: true });

/** What the Runs table can be ordered by: each column it shows. */
export const runSortKeys = ['started', 'duration', 'job', 'status', 'trigger'] as const;
export type RunSortKey = (typeof runSortKeys)[number];
/** `started` oldest first, `-started` newest first (the default). */
export const runSorts = runSortKeys.flatMap((key) => [key, `-${key}`] as const);
export type RunSort = (typeof runSorts)[number];
export const defaultRunSort: RunSort = '-started';

/** The filters of the run list, the same for the list, the export and the bulk actions by filter. */
export const runFilterSchema = z.object({
  job: optionalText(100),
  status: z.enum(runStatuses).optional(),
  trigger: z.enum(runTriggers).optional(),
  source: optionalText(64),
  /** Queued at or after. */
  since: isoDateTime.optional(),
  /** Queued before. */
  until: isoDateTime.optional(),
  q: optionalText(128),
});
export type RunFilter = z.infer<typeof runFilterSchema>;

const sortSchema = z
  .enum(runSorts)
  .default(defaultRunSort)
  .meta({ description: '`started` (when it started, or was queued if it has not started), `duration` (runs with none yet last), `job`, `status`, `trigger`; a leading `-` for descending. Default `-started`.' });

/** `GET /api/runs` */
export const runListQuerySchema = runFilterSchema
  .extend({
    sort: sortSchema,
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: optionalText(300),
  })
  .strict();
export type RunListQuery = z.infer<typeof runListQuerySchema>;

export const runExportFormats = ['csv', 'ndjson'] as const;

/** `GET /api/runs/export` */
export const runExportQuerySchema = runFilterSchema
  .extend({
    format: z.enum(runExportFormats).default('csv'),
    sort: sortSchema,
  })
  .strict();
export type RunExportQuery = z.infer<typeof runExportQuerySchema>;
