import { db } from '@/lib/db.ts';
import { env } from '@/lib/env.ts';
import { findJob } from '@/lib/jobs/catalog.ts';
import { warmLeagueCache } from '@/lib/league/league-queries.ts';
import { logger } from '@/lib/logger.ts';
import { createRun } from '@/lib/runs/create-runs.ts';
import { closeLeagueServices, leagueServices } from '../jobs/league/league-services.ts';
import { LeagueListener } from './league-listener.ts';

/**
 * The league pack's part of a worker's start: listen for league changes, warm the cache's
 * critical keys, and fill empty league tables at once (bootstrap-meta) rather than at the next
 * midnight. Returns what stops it.
 */
export async function startLeague(): Promise<{ stop(): Promise<void> }> {
  const { cache } = await leagueServices();
  const listener = new LeagueListener({ databaseUrl: env().DATABASE_URL });
  await listener.start();
  await warmLeagueCache(cache)
    .then((keys) => logger.info({ keys }, 'league cache warmed'))
    .catch((error: unknown) => logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'league cache not warmed'));
  // Workers starting together share the requestIds: one run each.
  const requestId = `start:${Math.floor(Date.now() / 600_000)}`;
  const fill = async (jobName: string, empty: () => Promise<boolean>) => {
    if (!findJob(jobName) || !(await empty())) return;
    const { run, created } = await createRun({ kind: 'system', trigger: 'event', actor: 'worker' }, { job: jobName, source: 'league tables empty at start', requestId });
    if (created) logger.info({ runId: run.id, job: jobName }, 'league tables empty: run queued');
  };
  await fill('bootstrap-meta', async () => (await db().event.count()) === 0);
  // The leagues and their standings, rather than at the next half hour.
  await fill('entry-updates', async () => (await db().league.count()) === 0);
  return {
    async stop() {
      await listener.stop();
      await closeLeagueServices();
    },
  };
}
