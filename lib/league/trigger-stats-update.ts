import type { AuditActor } from '../audit.ts';
import { statsUpdateJob } from '../jobs/definitions/league/stats-update.ts';
import type { CreatedRun } from '../runs/create-runs.ts';
import { triggerRun } from '../runs/trigger-run.ts';
import type { StatsUpdateBody } from '../validations/league-stats.ts';
import { callsForFallback, runStatsInProcess } from './stats-fallback.ts';

export interface StatsUpdateOutcome extends CreatedRun {
  /** Set when the queue was unreachable and the steps ran in the web process (lib/league/stats-fallback.ts). */
  fallback?: true;
}

/**
 * The League pages' "Update stats": a stats-update run with source `admin`. An ordinary trigger
 * (permissions, trigger settings and limits, the `stats.admin` switch through the job's own
 * policy, exclusive lock, audit), so trigger `manual` for a person, `api` for a key. When the
 * queue (Redis) cannot be reached, the steps run here instead, as a run with source `fallback`
 * (`revalidate` refreshes the pages of the steps that committed).
 */
export async function triggerStatsUpdate(body: StatsUpdateBody, actor: AuditActor, revalidate: (tags: string[]) => unknown = () => {}): Promise<StatsUpdateOutcome> {
  try {
    return await triggerRun(statsUpdateJob.name, { ...body, payload: { source: 'admin' }, source: 'admin' }, actor);
  } catch (error) {
    if (!(await callsForFallback(error))) throw error;
    return { run: await runStatsInProcess(actor, revalidate), created: true, fallback: true };
  }
}
