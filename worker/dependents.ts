import type { Logger } from 'pino';
import type { JobDefinition } from '@/lib/jobs/define-job.ts';
import { dependentsOf } from '@/lib/jobs/validate-catalog.ts';
import { createRuns } from '@/lib/runs/create-runs.ts';

/**
 * Asks the run pipeline for the runs of the jobs that depend on `definition`, after its run
 * `runId` succeeded (trigger `dependency`, `causedBy` pointing back). The requestId makes a
 * completion seen twice (a stalled run finishing on two workers) one run of each dependent.
 */
export async function queueDependents(jobs: readonly JobDefinition[], definition: JobDefinition, runId: string, log: Logger): Promise<void> {
  const dependents = dependentsOf([...jobs], definition.name);
  if (dependents.length === 0) return;
  const outcomes = await createRuns(
    { kind: 'system', trigger: 'dependency', actor: `dependency:${definition.name}` },
    dependents.map((dependent) => ({ job: dependent.name, causedBy: runId, source: definition.name, requestId: `after:${runId}` })),
  );
  outcomes.forEach((outcome, index) => {
    const dependent = dependents[index]!.name;
    if (outcome.ok) log.info({ dependent, dependentRunId: outcome.run.id, status: outcome.run.status, coalesced: outcome.coalesced ?? false }, 'dependent run queued');
    else log.warn({ dependent, err: outcome.error.message }, 'could not queue a dependent run');
  });
}
