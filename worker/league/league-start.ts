import { db } from '@/lib/db.ts';
import { env } from '@/lib/env.ts';
import { findJob } from '@/lib/jobs/catalog.ts';
import { warmLeagueCache } from '@/lib/league/league-queries.ts';
import { logger } from '@/lib/logger.ts';
import { enqueueRun } from '@/lib/runs/enqueue-run.ts';
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
  if (findJob('bootstrap-meta') && (await db().event.count()) === 0) {
    // Workers starting together share the requestId: one bootstrap.
    const { run, created } = await enqueueRun('bootstrap-meta', { trigger: 'event', source: 'league tables empty at start', actor: 'worker', requestId: `start:${Math.floor(Date.now() / 600_000)}` });
    if (created) logger.info({ runId: run.id }, 'league tables empty: bootstrap-meta queued');
  }
  return {
    async stop() {
      await listener.stop();
      await closeLeagueServices();
    },
  };
}
