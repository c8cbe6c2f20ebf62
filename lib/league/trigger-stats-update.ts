import type { AuditActor } from '../audit.ts';
import { db } from '../db.ts';
import { ConflictError } from '../errors.ts';
import { statsUpdateJob } from '../jobs/definitions/league/stats-update.ts';
import type { EnqueuedRun } from '../runs/enqueue-run.ts';
import { triggerRun } from '../runs/trigger-run.ts';
import { readSettings } from '../settings.ts';
import type { StatsUpdateBody } from '../validations/league-stats.ts';

export const statsAdminOffReason = 'Stats updates from the dashboard are switched off in Settings';

/**
 * The League pages' "Update stats": a stats-update run with source `admin`, refused while the
 * setting `stats.admin` is off. Otherwise it is an ordinary trigger (permissions, trigger
 * settings and limits, exclusive lock, audit), so trigger `manual` for a person, `api` for a key.
 */
export async function triggerStatsUpdate(body: StatsUpdateBody, actor: AuditActor): Promise<EnqueuedRun> {
  if (!(await readSettings(db()))['stats.admin']) throw new ConflictError('stats_admin_off', statsAdminOffReason);
  return triggerRun(statsUpdateJob.name, { ...body, payload: { source: 'admin' }, source: 'admin' }, actor);
}
