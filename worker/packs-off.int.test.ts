/**
 * KICKOFF_PACKS empty: Kickoff for a team's own jobs. A worker started as worker/main.ts starts
 * it (the catalog's handlers, its schedulers, the league part as the setting says) and the web
 * app's catalog, metrics, League layout and league routes, with their own database: only
 * Kickoff's own jobs anywhere, no League pages or routes, and no league table read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

process.env.KICKOFF_PACKS = '';
const { useOwnDatabase } = await import('@/scripts/test/own-database.ts');
const { useOwnQueuePrefix } = await import('@/scripts/test/own-queue-prefix.ts');
useOwnQueuePrefix('packs-off');
await useOwnDatabase('packs_off');

const { db } = await import('@/lib/db.ts');
const { allJobs, findJob } = await import('@/lib/jobs/catalog.ts');
const { isPackEnabled } = await import('@/lib/packs.ts');
const { queues } = await import('@/lib/queue/queues.ts');
const { categoryNames } = await import('@/lib/jobs/categories.ts');
const { apiRequest, createTestApiKey, routeParams } = await import('@/scripts/test/api-keys.ts');
const { startInProcessWorker, stopInProcessWorker } = await import('@/scripts/test/in-process-worker.ts');
const { handlers } = await import('./jobs/index.ts');
const { GET: listJobs } = await import('@/app/api/jobs/route.ts');
const { GET: metrics } = await import('@/app/api/metrics/route.ts');
const { POST: statsUpdate } = await import('@/app/api/league/stats-update/route.ts');
const { default: LeagueLayout } = await import('@/app/(dashboard)/league/layout.tsx');

/** The league pack's tables (prisma/schema.prisma, after Setting). */
const leagueTables = ['Phase', 'Team', 'Event', 'Fixture', 'Player', 'PlayerEventStats', 'Entry', 'EntryEventHistory', 'League', 'LeagueStanding', 'Tournament', 'TournamentStanding', 'TournamentResult', 'EntryAnalysis', 'PrizePool'];

let worker: Awaited<ReturnType<typeof startInProcessWorker>>;
let admin: string;

beforeAll(async () => {
  // Counters from here on: the database's creation (migrations) is not a read.
  await db().$executeRawUnsafe('SELECT pg_stat_reset()');
  // As worker/main.ts starts it.
  worker = await startInProcessWorker('packs-off', handlers.filter((handler) => findJob(handler.job.name)), { schedulers: true, league: isPackEnabled('league') });
  admin = await createTestApiKey('admin');
}, 60_000);

afterAll(async () => {
  await stopInProcessWorker(worker);
  await queues().close();
});

describe('with KICKOFF_PACKS empty', () => {
  it('runs only Kickoff’s own jobs: the catalog, the synced definitions and the schedulers', async () => {
    expect(allJobs().map((job) => job.name).sort()).toEqual(['cleanup', 'probe']);
    const body = (await (await listJobs(apiRequest('/api/jobs', admin), routeParams({} as Record<string, never>))).json()) as { jobs: { name: string }[] };
    expect(body.jobs.map((job) => job.name).sort()).toEqual(['cleanup', 'probe']);
    expect((await db().jobDefinition.findMany({ select: { name: true } })).map((row) => row.name).sort()).toEqual(['cleanup', 'probe']);
    const schedulers = (await Promise.all(categoryNames.map((category) => queues().for(category).getJobSchedulers(0, -1)))).flat().map((scheduler) => scheduler.key);
    expect(schedulers.sort()).toEqual(['cleanup']);
  });

  it('has no League pages or routes, no league metrics, and reads no league table', async () => {
    expect(() => LeagueLayout({ children: null })).toThrow(/NEXT_HTTP_ERROR_FALLBACK;404/);
    const refused = await statsUpdate(apiRequest('/api/league/stats-update', admin, { method: 'POST', body: '{}' }), routeParams({} as Record<string, never>));
    expect(refused.status).toBe(404);
    const text = await (await metrics(apiRequest('/api/metrics', admin), routeParams({} as Record<string, never>))).text();
    expect(text).not.toMatch(/kickoff_league_\w+\{/);

    await db().$executeRawUnsafe('SELECT pg_stat_force_next_flush()');
    const reads = await db().$queryRawUnsafe<{ relname: string; reads: bigint }[]>(
      `SELECT relname, coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS reads FROM pg_stat_user_tables WHERE relname = ANY($1::text[])`,
      leagueTables,
    );
    expect(reads.length).toBe(leagueTables.length);
    expect(reads.filter((row) => Number(row.reads) > 0)).toEqual([]);
  });
});
