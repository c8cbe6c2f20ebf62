import type { JobRun } from '@/generated/prisma/client.ts';
import type { AuditActor } from '../audit.ts';
import { db } from '../db.ts';
import { ConflictError, KickoffError, NotFoundError } from '../errors.ts';
import { findJob } from '../jobs/catalog.ts';
import { isRetryable, retryableStatuses } from '../jobs/run-state.ts';
import { createRun, createRuns, type CreatedRun, type RunOutcome, type RunRequest } from './create-runs.ts';

export interface RetryOptions {
  /** Admins only: past the cooldown and hourly limits. */
  override?: boolean;
}

/**
 * A new run of a failed or cancelled one, with the same payload, pointing back through
 * `retryOf`. It is a request like "Run now": by a person in the dashboard it answers to the
 * manual-trigger switch, with an API key to the API one, and it counts against the limits.
 */
export async function retryRun(runId: string, actor: AuditActor, options: RetryOptions = {}): Promise<CreatedRun> {
  const request = retryRequest(await db().jobRun.findUnique({ where: { id: runId } }), runId);
  if (request instanceof KickoffError) throw request;
  return createRun({ kind: 'person', actor, override: options.override }, request);
}

/** Retries each run; answers per id, in order (a run that may not be retried does not stop the others). */
export async function retryRuns(runIds: readonly string[], actor: AuditActor, options: RetryOptions = {}): Promise<RunOutcome[]> {
  const runs = new Map((await db().jobRun.findMany({ where: { id: { in: [...runIds] } } })).map((run) => [run.id, run]));
  const requests = runIds.map((id) => retryRequest(runs.get(id) ?? null, id));
  const asked = requests.filter((request): request is RunRequest => !(request instanceof KickoffError));
  const answers = await createRuns({ kind: 'person', actor, override: options.override }, asked);
  let next = 0;
  return requests.map((request) => (request instanceof KickoffError ? { ok: false as const, error: request } : answers[next++]!));
}

function retryRequest(run: JobRun | null, runId: string): RunRequest | KickoffError {
  if (!run) return new NotFoundError('Run', runId);
  if (!findJob(run.jobName)) return new ConflictError('job_gone', `Job "${run.jobName}" is no longer in the catalog`);
  if (!isRetryable(run.status)) {
    return new ConflictError('invalid_state', `Run is ${run.status}; only ${retryableStatuses.join(' or ')} runs can be retried`, { status: run.status });
  }
  return { job: run.jobName, payload: run.payload, retryOf: run.id };
}
