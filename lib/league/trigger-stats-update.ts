import type { AuditActor } from '../audit.ts';
import { statsUpdateJob } from '../jobs/definitions/league/stats-update.ts';
import type { CreatedRun } from '../runs/create-runs.ts';
import { triggerRun } from '../runs/trigger-run.ts';
import type { StatsUpdateBody } from '../validations/league-stats.ts';

/**
 * The League pages' "Update stats": a stats-update run with source `admin`. An ordinary trigger
 * (permissions, trigger settings and limits, the `stats.admin` switch through the job's own
 * policy, exclusive lock, audit), so trigger `manual` for a person, `api` for a key.
 */
export function triggerStatsUpdate(body: StatsUpdateBody, actor: AuditActor): Promise<CreatedRun> {
  return triggerRun(statsUpdateJob.name, { ...body, payload: { source: 'admin' }, source: 'admin' }, actor);
}
