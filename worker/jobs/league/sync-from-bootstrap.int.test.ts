/**
 * The meta league jobs (bootstrap-meta, teams-update, phases-update) on a worker in this
 * process against the upstream simulator (clock stopped, moved by the tests), on a database
 * and a queue prefix of their own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { LeagueJobsTestbed } from '@/scripts/test/league-jobs-testbed.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
// eslint-disable-next-line no-restricted-imports -- the test drives the HTTP route a service calls; the worker code itself never imports app/
import { POST as triggerRoute } from '@/app/api/jobs/[name]/trigger/route.ts';
import type { TwoLevelCache } from '@/lib/cache/two-level-cache.ts';
import { db } from '@/lib/db.ts';
import type { TablesSummary } from './sync-tables.ts';
import { bootstrapMetaHandler } from './bootstrap-meta.ts';
import { phasesUpdateHandler } from './phases-update.ts';
import { teamsUpdateHandler } from './teams-update.ts';

const prefix = useOwnQueuePrefix('league-meta');
await useOwnDatabase('league_meta');

type MetaResult = TablesSummary & { apiRequests: number };

let bed: LeagueJobsTestbed;
/** A cache as another process holds it: it must lose what the jobs invalidate. */
let other: TwoLevelCache;

beforeAll(async () => {
  bed = await LeagueJobsTestbed.start(prefix, [bootstrapMetaHandler, teamsUpdateHandler, phasesUpdateHandler], { entries: 300 });
  other = await LeagueJobsTestbed.newCache(prefix);
});

afterAll(async () => {
  await other?.close();
  await bed?.stop();
});

/** Every meta row's id and updatedAt, table by table: equal snapshots mean nothing was written. */
async function snapshot() {
  const rows = { select: { id: true, updatedAt: true }, orderBy: { id: 'asc' } } as const;
  return {
    phases: await db().phase.findMany(rows),
    teams: await db().team.findMany(rows),
    events: await db().event.findMany(rows),
    players: await db().player.findMany(rows),
    fixtures: await db().fixture.findMany(rows),
  };
}

async function cacheAll(keys: string[]): Promise<void> {
  for (const key of keys) await other.set(key, 'cached');
}

const invalidationsBy = (cache: TwoLevelCache) => Object.values(cache.stats()).reduce((sum, family) => sum + family.invalidations, 0);

describe('bootstrap-meta', () => {
  it('fills phases, teams, gameweeks, players and fixtures from the upstream', async () => {
    const run = await bed.run('bootstrap-meta');
    expect(run.status).toBe('completed');
    const result = run.result as unknown as MetaResult;
    const phases = await db().phase.count();
    expect(phases).toBeGreaterThan(1);
    expect(await db().team.count()).toBe(20);
    expect(await db().event.count()).toBe(38);
    expect(await db().player.count()).toBe(600);
    expect(await db().fixture.count()).toBe(380);
    expect(result.tables).toEqual({
      phases: { created: phases, updated: 0, unchanged: 0 },
      teams: { created: 20, updated: 0, unchanged: 0 },
      events: { created: 38, updated: 0, unchanged: 0 },
      players: { created: 600, updated: 0, unchanged: 0 },
      fixtures: { created: 380, updated: 0, unchanged: 0 },
    });
    expect(result).toMatchObject({ processed: phases + 1038, created: phases + 1038, apiRequests: 2 });
    expect(run.counters).toMatchObject({ teamsCreated: 20, eventsCreated: 38, fixturesCreated: 380, apiRequests: 2 });
    // The simulator starts an hour before the first deadline: nothing live, gameweek 1 next.
    expect(await db().event.count({ where: { isLive: true } })).toBe(0);
    expect(await db().event.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({
      isNext: true,
      isCurrent: false,
      finished: false,
      deadlineTime: new Date(bed.upstream.state.season.deadline(1)),
    });
  });

  it('a second run finds everything unchanged, writes nothing and invalidates nothing', async () => {
    await cacheAll(['meta:teams', 'meta:team:1', 'meta:phases', 'event:current', 'event:1:status', 'player:top']);
    const before = await snapshot();
    const invalidations = invalidationsBy(bed.cache);
    const run = await bed.run('bootstrap-meta');
    expect(run.status).toBe('completed');
    expect(run.result).toMatchObject({ created: 0, updated: 0, unchanged: 1038 + before.phases.length, invalidated: 0, changedEvents: [] });
    expect(await snapshot()).toEqual(before);
    expect(invalidationsBy(bed.cache)).toBe(invalidations);
    expect(await other.get('event:current')).toBe('cached');
    expect(await other.get('meta:team:1')).toBe('cached');
  });

  it('refuses an inconsistent bootstrap, naming the problem, without retrying and without writing anything', async () => {
    const before = await snapshot();
    await bed.admin('/admin/faults', { corrupt: 'bootstrap-missing-team' });
    try {
      const run = await bed.run('bootstrap-meta');
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/^Refused inconsistent upstream data, nothing written: player 1 \(.+\) has team 21, which is not among the teams/);
      expect(run.attempts as unknown[]).toHaveLength(1);
    } finally {
      await bed.admin('/admin/faults/reset');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('after a gameweek finishes, updates exactly the changed gameweeks and drops their cache keys everywhere', async () => {
    await cacheAll(['event:current', 'event:1:status', 'event:2:status', 'event:3:status', 'meta:teams', 'meta:phases']);
    const before = await db().event.findMany({ orderBy: { id: 'asc' } });
    await bed.admin('/admin/clock', { toEvent: 1, phase: 'finished' });
    const run = await bed.run('bootstrap-meta');
    expect(run.status).toBe('completed');
    const result = run.result as unknown as MetaResult;

    const after = await db().event.findMany({ orderBy: { id: 'asc' } });
    const content = (event: (typeof after)[number]) => JSON.stringify({ ...event, updatedAt: null });
    const differs = after.filter((event, i) => content(event) !== content(before[i]!)).map((event) => event.id);
    const rewritten = after.filter((event, i) => event.updatedAt.getTime() !== before[i]!.updatedAt.getTime()).map((event) => event.id);
    expect(differs).toEqual([1, 2]);
    expect(rewritten).toEqual(differs);
    expect(result.changedEvents).toEqual([1, 2]);
    expect(result.tables.events).toEqual({ created: 0, updated: 2, unchanged: 36 });
    expect(result.tables.teams).toEqual({ created: 0, updated: 0, unchanged: 20 });
    expect(after[0]).toMatchObject({ isCurrent: true, finished: true, isLive: false });
    expect(after[1]).toMatchObject({ isNext: true, isLive: false });
    expect(Math.abs(after[0]!.updatedAt.getTime() - Date.now())).toBeLessThan(60_000); // written in UTC, as Prisma writes it

    await waitFor(
      async () => (await other.get('event:current')) === undefined && (await other.get('event:1:status')) === undefined && (await other.get('event:2:status')) === undefined,
      5_000,
      'the changed gameweeks to leave the other cache',
    );
    expect(await other.get('event:3:status')).toBe('cached');
    expect(await other.get('meta:teams')).toBe('cached');
    expect(await other.get('meta:phases')).toBe('cached');
  });

  it('refuses a second trigger while one runs with 409 and the run holding the lock', async () => {
    const key = await createTestApiKey('admin');
    const trigger = () =>
      triggerRoute(apiRequest('/api/jobs/bootstrap-meta/trigger', key, { method: 'POST', body: JSON.stringify({}) }), routeParams({ name: 'bootstrap-meta' }));
    await bed.admin('/admin/faults', { latencyMs: 1_500 });
    try {
      const first = await trigger();
      expect(first.status).toBe(202);
      const { runId } = (await first.json()) as { runId: string };
      await bed.untilStatus(runId, ['running']);
      const second = await trigger();
      expect(second.status).toBe(409);
      expect(await second.json()).toMatchObject({ error: { code: 'already_running', details: { runId } } });
      expect((await bed.untilFinal(runId)).status).toBe('completed');
    } finally {
      await bed.admin('/admin/faults/reset');
    }
  });
});

describe('teams-update and phases-update', () => {
  it('each rewrites only its own table, only the rows that changed', async () => {
    await db().team.update({ where: { id: 3 }, data: { name: 'Renamed FC' } });
    await db().phase.update({ where: { id: 2 }, data: { name: 'Renamed month' } });
    await cacheAll(['meta:teams', 'meta:phases', 'player:top']);
    const players = (await snapshot()).players;

    const teams = await bed.run('teams-update');
    expect(teams.status).toBe('completed');
    expect(teams.result).toMatchObject({ tables: { teams: { created: 0, updated: 1, unchanged: 19 } }, invalidated: 1, written: 0, apiRequests: 1 });
    expect((await db().team.findUniqueOrThrow({ where: { id: 3 } })).name).not.toBe('Renamed FC');
    expect((await db().phase.findUniqueOrThrow({ where: { id: 2 } })).name).toBe('Renamed month');
    await waitFor(async () => (await other.get('meta:teams')) === undefined, 5_000, 'the team names to go');
    expect(await other.get('meta:phases')).toBe('cached');
    expect(await other.get('player:top')).toBe('cached');

    const phases = await bed.run('phases-update');
    expect(phases.result).toMatchObject({ tables: { phases: { created: 0, updated: 1 } }, invalidated: 1 });
    expect((await db().phase.findUniqueOrThrow({ where: { id: 2 } })).name).not.toBe('Renamed month');
    await waitFor(async () => (await other.get('meta:phases')) === undefined, 5_000, 'meta:phases to go');
    expect((await snapshot()).players).toEqual(players);
  });
});
