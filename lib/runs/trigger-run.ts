import type { AuditActor } from '../audit.ts';
import { db } from '../db.ts';
import { ValidationError } from '../errors.ts';
import type { BulkTriggerBody, TriggerBody } from '../validations/runs.ts';
import { createRun, createRuns, type CreatedRun, type RunOutcome } from './create-runs.ts';

/** A person (dashboard) or a service (API key) asks for a run of a job: "Run now", `POST /api/jobs/:name/trigger`. */
export async function triggerRun(jobName: string, body: TriggerBody, actor: AuditActor): Promise<CreatedRun> {
  if (body.replayOf) await assertReplayable(jobName, body.replayOf);
  return createRun(
    { kind: 'person', actor, override: body.override },
    { job: jobName, payload: body.payload, requestId: body.requestId, source: body.source, replayOf: body.replayOf },
  );
}

/**
 * Many runs of one job in one request (`{ runs: [...] }`), answered per item in order, through
 * the same pipeline as one: each payload validated, each requestId idempotent, the policy per
 * item, the rows in one statement and the jobs in one bulk add. For a person signed in the
 * request is one use of the cooldown, and each run counts against the hourly limit (the runs
 * past it are refused one by one, the last ones first).
 */
export async function triggerRuns(jobName: string, body: BulkTriggerBody, actor: AuditActor): Promise<RunOutcome[]> {
  const outcomes = await createRuns(
    { kind: 'person', actor, override: body.override },
    body.runs.map((run) => ({ job: jobName, payload: run.payload, requestId: run.requestId, source: body.source })),
  );
  // What holds for the request as a whole (no such job, not the caller's, an override by a non-admin) is answered once.
  const [first] = outcomes;
  if (first && !first.ok && wholeRequest.has(first.error.code) && outcomes.every((outcome) => !outcome.ok && outcome.error.code === first.error.code)) throw first.error;
  return outcomes;
}

const wholeRequest = new Set(['not_found', 'forbidden']);

/** `replayOf` must name a run of the same job: the link says where the payload came from. */
async function assertReplayable(jobName: string, runId: string): Promise<void> {
  const run = runId.includes('\u0000') ? null : await db().jobRun.findUnique({ where: { id: runId }, select: { jobName: true } });
  if (!run || run.jobName !== jobName) {
    throw new ValidationError('`replayOf` does not name a run of this job', { fieldErrors: { replayOf: [run ? `run "${runId}" is a run of ${run.jobName}` : `no run has the id "${runId}"`] }, formErrors: [] });
  }
}
