import type { AuditActor } from '../audit.ts';
import type { TriggerBody } from '../validations/runs.ts';
import { createRun, type CreatedRun } from './create-runs.ts';

/** A person (dashboard) or a service (API key) asks for a run of a job: "Run now", `POST /api/jobs/:name/trigger`. */
export function triggerRun(jobName: string, body: TriggerBody, actor: AuditActor): Promise<CreatedRun> {
  return createRun(
    { kind: 'person', actor, override: body.override },
    { job: jobName, payload: body.payload, requestId: body.requestId, source: body.source },
  );
}
