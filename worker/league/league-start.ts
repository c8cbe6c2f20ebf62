import { db } from '@/lib/db.ts';
import { env } from '@/lib/env.ts';
import { findJob } from '@/lib/jobs/catalog.ts';
import { warmGameweek, warmLeagueCache } from '@/lib/league/league-queries.ts';
import { logger } from '@/lib/logger.ts';
import { createRun, type CreatedRun } from '@/lib/runs/create-runs.ts';
import { closeLeagueServices, leagueServices } from '../jobs/league/league-services.ts';
import { LeagueListener } from './league-listener.ts';

/**
 * The start-up fill: asks the run pipeline for a run of `jobName` (trigger `event`) when
 * `empty()` says its tables have nothing yet. Workers starting together share the requestId
 * (per ten minutes): one run between them. Returns the run, if one was asked for.
 */
export async function fillIfEmpty(jobName: string, empty: () => Promise<boolean>, now = Date.now()): Promise<CreatedRun | null> {
  if (!findJob(jobName) || !(await empty())) return null;
  const requestId = `start:${Math.floor(now / 600_000)}`;
  const outcome = await createRun({ kind: 'system', trigger: 'event', actor: 'worker' }, { job: jobName, source: 'league tables empty at start', requestId });
  if (outcome.created) logger.info({ runId: outcome.run.id, job: jobName, status: outcome.run.status }, 'league tables empty: run queued');
  return outcome;
}

/**
 * The league pack's part of a worker's start: listen for league changes (warming a gameweek's
 * keys when it goes live), warm the cache's critical keys, and fill empty league tables at once (bootstrap-meta) rather than at the next
 * midnight. Returns what stops it.
 */
export async function startLeague(): Promise<{ stop(): Promise<void> }> {
  const { cache } = await leagueServices();
  // Warming: the critical keys at start, and a gameweek's keys when it goes live (its deadline
  // passed, the NOTIFY of the Event row), before its first kick-off.
  const listener = new LeagueListener({
    databaseUrl: env().DATABASE_URL,
    onGameweekLive: async (eventId) => logger.info({ eventId, keys: await warmGameweek(cache, eventId) }, 'gameweek cache warmed before kick-off'),
  });
  await listener.start();
  await warmLeagueCache(cache)
    .then((keys) => logger.info({ keys }, 'league cache warmed'))
    .catch((error: unknown) => logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'league cache not warmed'));
  await fillIfEmpty('bootstrap-meta', async () => (await db().event.count()) === 0);
  // The leagues and their standings, rather than at the next half hour.
  await fillIfEmpty('entry-updates', async () => (await db().league.count()) === 0);
  return {
    async stop() {
      await listener.stop();
      await closeLeagueServices();
    },
  };
}
