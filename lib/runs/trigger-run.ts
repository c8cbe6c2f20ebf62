import type { AuditActor } from '../audit.ts';
import { db } from '../db.ts';
import { ValidationError } from '../errors.ts';
import type { TriggerBody } from '../validations/runs.ts';
import { createRun, type CreatedRun } from './create-runs.ts';

/** A person (dashboard) or a service (API key) asks for a run of a job: "Run now", `POST /api/jobs/:name/trigger`. */
export async function triggerRun(jobName: string, body: TriggerBody, actor: AuditActor): Promise<CreatedRun> {
  if (body.replayOf) await assertReplayable(jobName, body.replayOf);
  return createRun(
    { kind: 'person', actor, override: body.override },
    { job: jobName, payload: body.payload, requestId: body.requestId, source: body.source, replayOf: body.replayOf },
  );
}

/** `replayOf` must name a run of the same job: the link says where the payload came from. */
async function assertReplayable(jobName: string, runId: string): Promise<void> {
  const run = runId.includes('\u0000') ? null : await db().jobRun.findUnique({ where: { id: runId }, select: { jobName: true } });
  if (!run || run.jobName !== jobName) {
    throw new ValidationError('`replayOf` does not name a run of this job', { fieldErrors: { replayOf: [run ? `run "${runId}" is a run of ${run.jobName}` : `no run has the id "${runId}"`] }, formErrors: [] });
  }
}
