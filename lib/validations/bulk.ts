import { z } from 'zod';
import { runFilterSchema } from './runs.ts';
import { text } from './text.ts';


/** The most runs one bulk action by filter may touch; a filter matching more is refused (422) before anything is done. */
export const bulkFilterLimit = 10_000;

const bulkTarget = {
  /** The runs chosen one by one (at most 100). */
  ids: z.array(text({ min: 1, max: 100 })).min(1).max(100).optional(),
  /** Every run matching these filters (the Runs table's), at most `bulkFilterLimit`. */
  filter: runFilterSchema.strict().optional(),
  /** With `filter`: the count the person confirmed; when the filter now matches another number, nothing is done (409 `count_changed`). */
  expectedCount: z.number().int().min(0).optional(),
  /** With `filter`: only count the runs it would act on (for the confirmation); nothing is done. */
  dryRun: z.boolean().optional(),
};

const exactlyOne = (body: { ids?: unknown; filter?: unknown }) => (body.ids === undefined) !== (body.filter === undefined);
const exactlyOneMessage = { message: 'Send either `ids` or `filter`', path: ['ids'] };

/** `POST /api/runs/bulk-retry`: the selected runs (`ids`) or every failed or cancelled run matching `filter`; `override`: admins only, past the trigger limits. */
export const bulkRetrySchema = z
  .object({ ...bulkTarget, override: z.boolean().optional() })
  .strict()
  .refine(exactlyOne, exactlyOneMessage);
export type BulkRetryBody = z.infer<typeof bulkRetrySchema>;

/** `POST /api/runs/bulk-cancel`: the selected runs (`ids`) or every queued, running or retrying run matching `filter`. */
export const bulkCancelSchema = z.object(bulkTarget).strict().refine(exactlyOne, exactlyOneMessage);
export type BulkCancelBody = z.infer<typeof bulkCancelSchema>;
