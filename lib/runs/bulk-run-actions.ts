import type { Prisma } from '@/generated/prisma/client.ts';
import { errorBody, type ErrorBody } from '../api/errors.ts';
import type { AuditActor } from '../audit.ts';
import { countRuns, matchingRunIds } from '../data/runs.ts';
import { ConflictError, KickoffError, TooManyError } from '../errors.ts';
import { cancellableStatuses, retryableStatuses } from '../jobs/run-state.ts';
import { bulkFilterLimit, type BulkCancelBody, type BulkRetryBody } from '../validations/bulk.ts';
import type { RunFilter } from '../validations/runs.ts';
import { cancelRun } from './cancel-run.ts';
import { retryRuns } from './retry-run.ts';

export type BulkResult = { id: string; ok: true; runId: string } | { id: string; ok: false; error: ErrorBody['error'] };

export interface BulkAnswer {
  /** How many runs the ids or the filter named. */
  matched: number;
  succeeded: number;
  failed: number;
  /** One per run, in order. */
  results: BulkResult[];
}

/** Cancels run one by one (each through `cancelRun`, its permission check and audit), a few at a time. */
const cancelConcurrency = 8;

/**
 * The runs a bulk action acts on: the ids as given, or every run matching the filter that is
 * in a state the action applies to. A filter matching more than `bulkFilterLimit` is refused
 * before anything is done; so is one whose count moved from what the person confirmed.
 */
async function targets(body: { ids?: string[]; filter?: RunFilter; expectedCount?: number }, actionable: Prisma.JobRunWhereInput): Promise<string[]> {
  if (body.ids) return [...new Set(body.ids)];
  const filter = body.filter ?? {};
  const ids = await matchingRunIds(filter, actionable, bulkFilterLimit + 1);
  if (ids.length > bulkFilterLimit) {
    throw new TooManyError(`The filter matches more than ${bulkFilterLimit.toLocaleString('en')} runs; narrow it (by job, status or time) and try again`, bulkFilterLimit);
  }
  if (body.expectedCount !== undefined && body.expectedCount !== ids.length) {
    throw new ConflictError('count_changed', `The filter now matches ${ids.length} runs, not the ${body.expectedCount} confirmed; nothing was done`, { matched: ids.length });
  }
  return ids;
}

function answer(results: BulkResult[]): BulkAnswer {
  const succeeded = results.filter((result) => result.ok).length;
  return { matched: results.length, succeeded, failed: results.length - succeeded, results };
}

/** Retries the chosen runs, or every failed or cancelled one matching a filter, through the one pipeline (`retryRuns`). */
export async function bulkRetry(body: BulkRetryBody, actor: AuditActor): Promise<BulkAnswer> {
  const ids = await targets(body, { status: { in: [...retryableStatuses] } });
  const outcomes = ids.length > 0 ? await retryRuns(ids, actor, { override: body.override }) : [];
  return answer(outcomes.map((outcome, index) => (outcome.ok ? { id: ids[index]!, ok: true, runId: outcome.run.id } : { id: ids[index]!, ok: false, error: errorBody(outcome.error).error })));
}

/** Cancels the chosen runs, or every queued, running or retrying one matching a filter, each through `cancelRun`. */
export async function bulkCancel(body: BulkCancelBody, actor: AuditActor): Promise<BulkAnswer> {
  const ids = await targets(body, { status: { in: [...cancellableStatuses] } });
  const results: BulkResult[] = new Array(ids.length);
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const index = next++;
      const id = ids[index]!;
      try {
        const run = await cancelRun(id, actor);
        results[index] = { id, ok: true, runId: run.id };
      } catch (error) {
        if (!(error instanceof KickoffError)) throw error;
        results[index] = { id, ok: false, error: errorBody(error).error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(cancelConcurrency, ids.length) }, lane));
  return answer(results);
}

export interface BulkCount {
  /** The runs the action would act on, counted up to `limit + 1`. */
  matched: number;
  limit: number;
  overLimit: boolean;
}

/** `dryRun`: how many runs a bulk action by this filter would act on (for the confirmation); nothing is done. */
export async function countBulkTargets(filter: RunFilter, action: 'retry' | 'cancel'): Promise<BulkCount> {
  const statuses = action === 'retry' ? retryableStatuses : cancellableStatuses;
  const matched = await countRuns(filter, { status: { in: [...statuses] } }, bulkFilterLimit);
  return { matched, limit: bulkFilterLimit, overLimit: matched > bulkFilterLimit };
}
