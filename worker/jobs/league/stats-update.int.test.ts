/**
 * stats-update on a worker in this process, on a database and a queue prefix of its own, over
 * a full season of league data (2000 entries × 38 gameweeks): the ten steps in parallel, their
 * timings against the same ten run one after another, a failing step that leaves the other
 * nine committed and fails the run naming it, and a retry once it is fixed. The three
 * triggers are in stats-update-triggers.int.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { runReaching, StatsStage } from '@/scripts/test/stats-stage.ts';
import type { Principal } from '@/lib/auth/principal.ts';
import { db } from '@/lib/db.ts';
import { statsSteps } from '@/lib/jobs/definitions/league/stats-update.ts';
import { hallOfFame, latestGameweekReport, latestStatsRun, powerRatings, seasonTable } from '@/lib/league/stats-queries.ts';
import { askForRun } from '@/scripts/test/ask-for-run.ts';
import { retryRun } from '@/lib/runs/retry-run.ts';
import { statsUpdateHandler, type StepOutcome } from './stats-update.ts';

const prefix = useOwnQueuePrefix('league-stats');
await useOwnDatabase('league_stats');

const admin: Principal = { type: 'user', id: 'u1', label: 'admin@test', role: 'admin', grants: [] };

interface StatsResult {
  source: string;
  steps: StepOutcome[];
  totalMs: number;
  sumOfStepsMs: number;
  parallelGain: number;
  processed: number;
  cacheKeysInvalidated: number;
  tagsRevalidated: number;
}

let stage: StatsStage;

beforeAll(async () => {
  stage = await StatsStage.start(prefix, [statsUpdateHandler], { entries: 2_000, events: 38 });
}, 60_000);

afterAll(async () => {
  await stage?.stop();
});

/** Rows and the newest computedAt of each step's table. */
async function tables(): Promise<Record<string, { rows: number; computedAt: Date | null }>> {
  const entries = await Promise.all(
    statsSteps.map(async (step) => {
      const [row] = await db().$queryRawUnsafe<{ rows: number; computedAt: Date | null }[]>(`SELECT count(*)::int AS rows, max("computedAt") AS "computedAt" FROM "${step.table}"`);
      return [step.name, row!] as const;
    }),
  );
  return Object.fromEntries(entries);
}

const statsRun = async (payload: Record<string, unknown> = { source: 'admin' }) => (await askForRun('stats-update', { payload })).run;

describe('stats-update', () => {
  it('rebuilds all ten tables at once, reporting each step\'s time, the total and their sum', async () => {
    await stage.cache.set('history:stats:season:full:top:20', [{ stale: true }]);
    await stage.cache.set('history:stats:season-race:all', [{ stale: true }]);

    const run = await statsRun();
    const done = await runReaching(run.id, ['completed', 'failed']);
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    const result = done.result as unknown as StatsResult;

    expect(result.source).toBe('admin');
    expect(result.steps.map((step) => step.name)).toEqual(statsSteps.map((step) => step.name));
    for (const step of result.steps) {
      expect(step.ok, step.name).toBe(true);
      expect(step.rows, step.name).toBeGreaterThan(0);
      expect(step.ms, step.name).toBeGreaterThanOrEqual(0);
    }
    const counts = await tables();
    for (const step of result.steps) expect(counts[step.name]!.rows, step.name).toBe(step.rows);
    expect(counts.season!.rows).toBe(3 * 2_000); // full season, first half, second half
    expect(counts['gameweek-report']!.rows).toBe(38);
    expect(counts['season-race']!.rows).toBe(20 * 38);
    expect(result.processed).toBe(result.steps.reduce((sum, step) => sum + step.rows, 0));
    expect(done.counters).toMatchObject({ stepsSucceeded: 10, totalMs: result.totalMs, sumOfStepsMs: result.sumOfStepsMs });

    // The same ten functions one after another, on one connection, for comparison.
    const sequentialStart = performance.now();
    for (const step of statsSteps) await db().$queryRawUnsafe(`SELECT ${step.sqlFunction}()`);
    const sequentialMs = Math.round(performance.now() - sequentialStart);
    console.log(
      `stats-update over 2000 entries × 38 gameweeks: totalMs ${result.totalMs}, sumOfStepsMs ${result.sumOfStepsMs} (parallelGain ${result.parallelGain}); ` +
        `the ten run one after another took ${sequentialMs} ms`,
    );
    expect(result.totalMs).toBeLessThan(0.6 * result.sumOfStepsMs);
    expect(result.parallelGain).toBeGreaterThan(1 / 0.6);

    // Both stale keys are gone: `season` and `season-race` each dropped their own prefix.
    expect(await stage.cache.get('history:stats:season:full:top:20')).toBeUndefined();
    expect(await stage.cache.get('history:stats:season-race:all')).toBeUndefined();
    expect(result.cacheKeysInvalidated).toBeGreaterThanOrEqual(2);
    // The web app's route was called with every step's tag and the internal key (200); outside
    // a Next.js request, revalidateTag refuses each tag, which the route reports per tag.
    const call = stage.web.calls.at(-1)!;
    expect(call.status).toBe(200);
    expect([...call.tags].sort()).toEqual(statsSteps.flatMap((step) => step.cacheTags).sort());
    expect(call.body).toMatchObject({ revalidated: expect.any(Array), failed: expect.any(Array) });
  });

  it('gives the stats page its numbers: season table, power ratings, hall of fame, gameweek report, last run timings', async () => {
    const [season, ratings, fame, report, lastRun] = await Promise.all([
      seasonTable(stage.cache, 'full', 20),
      powerRatings(stage.cache, 10),
      hallOfFame(stage.cache, 10),
      latestGameweekReport(stage.cache),
      latestStatsRun(),
    ]);
    expect(season).toHaveLength(20);
    expect(season[0]).toMatchObject({ rank: 1, entryName: expect.any(String), points: expect.any(Number), averagePoints: expect.any(Number) });
    expect(season.map((row) => row.points)).toEqual([...season.map((row) => row.points)].sort((a, b) => b - a));
    const [leader] = await db().$queryRaw<{ points: number }[]>`
      SELECT sum(points - "eventTransfersCost")::int AS points FROM "EntryEventHistory" GROUP BY "entryId" ORDER BY 1 DESC LIMIT 1`;
    expect(season[0]!.points).toBe(leader!.points);
    expect(ratings).toHaveLength(10);
    expect(ratings[0]!.rating).toBeGreaterThan(100);
    expect(fame).toHaveLength(10);
    expect(fame[0]!.points).toBeGreaterThanOrEqual(fame[9]!.points);
    expect(report).toMatchObject({ eventId: 38, entries: 2_000, topPlayerName: expect.any(String), goals: expect.any(Number) });
    expect(lastRun?.result.steps).toHaveLength(10);
    // Read through the two-level cache, under the step's prefix that stats-update drops.
    expect(await stage.cache.get('history:stats:season:full:top:20')).toEqual(season);
  });

  it('a failing step leaves the others committed, fails the run naming it after logging every step, and a retry once it is fixed succeeds', async () => {
    const before = await tables();
    const [original] = await db().$queryRaw<{ definition: string }[]>`SELECT pg_get_functiondef('kickoff_stats_power_ratings'::regproc) AS definition`;
    await db().$executeRawUnsafe(`CREATE OR REPLACE FUNCTION kickoff_stats_power_ratings() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$`);
    await stage.cache.set('history:stats:power-ratings:top:10', [{ kept: true }]);
    await stage.cache.set('history:stats:records:all', [{ stale: true }]);
    const callsBefore = stage.web.calls.length;

    let failed;
    try {
      const run = await statsRun({ source: 'admin', eventId: 38 });
      failed = await runReaching(run.id, ['completed', 'failed'], 40_000);
    } finally {
      await db().$executeRawUnsafe(original!.definition);
    }
    expect(failed.status).toBe('failed');
    expect(failed.attempt).toBe(3); // retried twice by its policy (BerkoTNF 002: 3 attempts), failing the same way
    expect(failed.error).toBe('1 of 10 stats steps failed: power-ratings (boom)');

    const after = await tables();
    for (const step of statsSteps) {
      if (step.name === 'power-ratings') {
        // Rolled back: the rows of the last good run, untouched.
        expect(after[step.name]).toEqual(before[step.name]);
      } else {
        expect(after[step.name]!.rows, step.name).toBe(before[step.name]!.rows);
        expect(after[step.name]!.computedAt!.getTime(), step.name).toBeGreaterThan(before[step.name]!.computedAt!.getTime());
      }
    }
    // Every step's timing was recorded before the run failed.
    const lines = await db().runEvent.findMany({ where: { runId: failed.id, attempt: 2, kind: 'log' }, orderBy: { id: 'asc' } });
    const stepLines = lines.map((line) => line.fields as unknown as Partial<StepOutcome>).filter((fields) => fields?.name);
    expect(stepLines.map((fields) => fields.name).sort()).toEqual(statsSteps.map((step) => step.name).sort());
    expect(stepLines.find((fields) => fields.name === 'power-ratings')).toMatchObject({ ok: false, rows: 0, error: 'boom', ms: expect.any(Number) });
    expect(failed.counters).toMatchObject({ stepsSucceeded: 9, stepsFailed: 1 });
    // Only the committed steps' caches were dropped and revalidated.
    expect(await stage.cache.get('history:stats:power-ratings:top:10')).toEqual([{ kept: true }]);
    expect(await stage.cache.get('history:stats:records:all')).toBeUndefined();
    const revalidated = stage.web.calls.slice(callsBefore).flatMap((call) => call.tags);
    expect(revalidated).not.toContain('stats:power-ratings');
    expect(revalidated).toContain('stats:records');

    const { run: retried } = await retryRun(failed.id, { principal: admin });
    expect(retried).toMatchObject({ trigger: 'retry', retryOf: failed.id });
    const done = await runReaching(retried.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect((done.result as unknown as StatsResult).steps.every((step) => step.ok)).toBe(true);
    expect((await tables())['power-ratings']!.computedAt!.getTime()).toBeGreaterThan(before['power-ratings']!.computedAt!.getTime());
    expect(await stage.cache.get('history:stats:power-ratings:top:10')).toBeUndefined();
  }, 60_000);

  it('runs only the steps asked for, and a web app that is not running does not fail the run', async () => {
    await stage.web.stop();
    try {
      const run = await statsRun({ source: 'admin', steps: ['records', 'hall-of-fame'] });
      const done = await runReaching(run.id, ['completed', 'failed']);
      expect(done.status).toBe('completed');
      const result = done.result as unknown as StatsResult;
      expect(result.steps.map((step) => step.name)).toEqual(['hall-of-fame', 'records']);
      expect(result.tagsRevalidated).toBe(0);
      const warning = await db().runEvent.findFirst({ where: { runId: run.id, message: { startsWith: 'warning: the web app was not reached' } } });
      expect(warning).not.toBeNull();
    } finally {
      await stage.web.start();
    }
  });
});
