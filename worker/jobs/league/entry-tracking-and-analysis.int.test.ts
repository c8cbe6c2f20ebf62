/**
 * The analysis league jobs (tracked-entry-updater, entry-analyzer) on a worker in this process
 * against the upstream simulator (300 entries, clock stopped and moved by the tests), on a
 * database and a queue prefix of their own. The tests run in order and build on each other:
 * nothing tracked, one entry tracked (its league-mates arrive untracked), then the analyzer's
 * phases, and each of its error rules.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { LeagueJobsTestbed } from '@/scripts/test/league-jobs-testbed.ts';
import type { JobRun } from '@/generated/prisma/client.ts';
import { db } from '@/lib/db.ts';
import { toEventRow } from '@/lib/league/league-data.ts';
import { signalNames } from '@/lib/league/entry-scoring.ts';
import { askForRun } from '@/scripts/test/ask-for-run.ts';
import { UpstreamClient } from '@/lib/league/upstream-client.ts';
import { entryAnalyzerHandler } from './entry-analyzer.ts';
import { trackedEntryUpdaterHandler } from './tracked-entry-updater.ts';

/** Faults of our own, not the upstream's: a non-critical error storing one entry's history, a scoring error. */
const injected = vi.hoisted(() => ({ historyFailsFor: null as number | null, scoringFailures: 0 }));
vi.mock('./entry-writes.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./entry-writes.ts')>();
  return {
    ...actual,
    storeNewHistory: (...args: Parameters<typeof actual.storeNewHistory>) => {
      if (args[1] === injected.historyFailsFor) throw new RangeError(`test: entry ${args[1]}'s history makes no sense`);
      return actual.storeNewHistory(...args);
    },
  };
});
vi.mock('@/lib/league/entry-scoring.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/league/entry-scoring.ts')>();
  return {
    ...actual,
    scoreEntry: (...args: Parameters<typeof actual.scoreEntry>) => {
      if (injected.scoringFailures > 0) {
        injected.scoringFailures -= 1;
        throw new RangeError('test: the scoring divided by nothing');
      }
      return actual.scoreEntry(...args);
    },
  };
});

const prefix = useOwnQueuePrefix('league-analysis');
await useOwnDatabase('league_analysis');

/** The entry the tests track (not one of the simulator's deleted ones, every 97th). */
const trackedId = 5;
const batchSize = 10;

let bed: LeagueJobsTestbed;
let client: UpstreamClient;

/** Moves the simulator's clock and writes the gameweeks as bootstrap-meta would (history rows reference them). */
async function moveTo(toEvent: number, phase: 'before-deadline' | 'live' | 'finished'): Promise<void> {
  await bed.admin('/admin/clock', { toEvent, phase });
  const bootstrap = await client.bootstrapStatic();
  const now = new Date(bed.upstream.state.now());
  await db().$transaction(bootstrap.events.map((event) => {
    const row = toEventRow(event, now);
    return db().event.upsert({ where: { id: row.id }, create: row, update: row });
  }));
}

interface AnalyzerPhase {
  done: number;
  skipped: number;
  cutShort: boolean;
}
interface AnalyzerResult {
  apiRequests: number;
  created: number;
  updated: number;
  historyCreated: number;
  analysesCreated: number;
  analysesUpdated: number;
  entriesDeleted: number;
  entriesSkipped: number;
  phasesCutShort: number;
  phases: Record<'fetch-history' | 'score' | 'recheck', AnalyzerPhase>;
}
const resultOf = (run: JobRun) => run.result as unknown as AnalyzerResult;

/** Entries not deleted with at least `events` stored events, lowest id first. */
async function entriesWithHistory(events: number): Promise<number[]> {
  const rows = await db().entryEventHistory.groupBy({ by: ['entryId'], where: { entry: { deleted: false } }, _count: { _all: true }, orderBy: { entryId: 'asc' } });
  return rows.filter((row) => row._count._all >= events).map((row) => row.entryId);
}

beforeAll(async () => {
  bed = await LeagueJobsTestbed.start(prefix, [trackedEntryUpdaterHandler, entryAnalyzerHandler], { entries: 300 });
  client = new UpstreamClient({ baseUrl: bed.upstreamUrl });
  await db().jobDefinition.update({ where: { name: 'entry-analyzer' }, data: { config: { batchSize } } });
  await moveTo(22, 'finished');
});

afterAll(async () => {
  await bed?.stop();
});

describe('tracked-entry-updater', () => {
  it('skips a scheduled fire while no entry is tracked', async () => {
    expect(await bed.fire('tracked-entry-updater')).toMatchObject({ status: 'skipped', error: 'no tracked entries', trigger: 'schedule' });
  });

  it('stores the tracked entry’s history and summary, and adds its league-mates untracked', async () => {
    await db().entry.create({ data: { id: trackedId, name: '?', playerName: '?', startedEvent: 0, summaryOverallPoints: 0, tracked: true } });
    const run = await bed.fire('tracked-entry-updater');
    expect(run.status).toBe('completed');
    const upstreamEntry = await client.entry(trackedId);
    const upstreamHistory = await client.entryHistory(trackedId);
    const leagues = upstreamEntry.leagues.classic.map((league) => league.id).sort((a, b) => a - b);

    const entry = await db().entry.findUniqueOrThrow({ where: { id: trackedId } });
    expect(entry).toMatchObject({ tracked: true, name: upstreamEntry.name, startedEvent: upstreamEntry.started_event, summaryOverallPoints: upstreamEntry.summary_overall_points, summaryOverallRank: upstreamEntry.summary_overall_rank });
    expect(entry.lastFetchedAt).not.toBeNull();
    const history = await db().entryEventHistory.findMany({ where: { entryId: trackedId }, orderBy: { eventId: 'asc' } });
    expect(history.map((row) => [row.eventId, row.points])).toEqual(upstreamHistory.current.map((row) => [row.event, row.points]));

    const mates = await db().leagueStanding.findMany({ where: { leagueId: { in: leagues } } });
    expect((await db().league.findMany({ orderBy: { id: 'asc' } })).map((league) => league.id)).toEqual(leagues);
    const untracked = await db().entry.count({ where: { tracked: false } });
    expect(untracked).toBe(new Set(mates.map((row) => row.entryId).filter((id) => id !== trackedId)).size);
    expect(untracked).toBeGreaterThan(10);

    expect(run.result).toMatchObject({
      tracked: 1,
      historyCreated: history.length,
      entriesCreated: untracked,
      entriesUpdated: 1,
      standingsCreated: mates.length,
      apiRequests: 2 + leagues.length,
    });
    expect(run.counters).toMatchObject({ apiRequests: 2 + leagues.length, historyCreated: history.length, entriesCreated: untracked });
  });

  it('on the next gameweek stores only the new event, and adds no entry twice', async () => {
    const before = await db().entry.findUniqueOrThrow({ where: { id: trackedId } });
    await moveTo(23, 'finished');
    const run = await bed.run('tracked-entry-updater');
    expect(run.status).toBe('completed');
    expect(run.result).toMatchObject({ historyCreated: 1, historyUpdated: 0, entriesCreated: 0, entriesUpdated: 1 });
    expect(await db().entryEventHistory.findUnique({ where: { entryId_eventId: { entryId: trackedId, eventId: 23 } } })).not.toBeNull();
    const after = await db().entry.findUniqueOrThrow({ where: { id: trackedId } });
    expect(after.lastFetchedAt!.getTime()).toBeGreaterThan(before.lastFetchedAt!.getTime());
  });

  it('keeps each change of the overall rank as a row of EntryRank, not only the latest', async () => {
    const ranks = await db().entryRank.findMany({ where: { entryId: trackedId }, orderBy: { id: 'asc' } });
    // the first fetch (gameweek 22) and the next gameweek's: both rows kept
    expect(ranks).toHaveLength(2);
    const entry = await db().entry.findUniqueOrThrow({ where: { id: trackedId } });
    expect(ranks[1]).toMatchObject({ overallRank: entry.summaryOverallRank, overallPoints: entry.summaryOverallPoints });
    expect(ranks[0]!.overallPoints).toBeLessThan(ranks[1]!.overallPoints);
    // the same summary again adds no row
    await bed.run('tracked-entry-updater');
    expect(await db().entryRank.count({ where: { entryId: trackedId } })).toBe(2);
  });

  it('a rate limit fails the run, which is retried with exponential backoff and then completes', async () => {
    await bed.admin('/admin/faults', { rateLimit: { perMinute: 1, retryAfterSeconds: 1 } });
    let retrying: JobRun;
    const { run } = await askForRun('tracked-entry-updater', {});
    try {
      retrying = await bed.untilStatus(run.id, ['retrying', 'completed', 'failed']);
    } finally {
      await bed.admin('/admin/faults/reset');
    }
    expect(retrying.status).toBe('retrying');
    const final = await bed.untilFinal(run.id);
    expect(final.status).toBe('completed');
    const attempts = final.attempts as { attempt: number; error?: string }[];
    expect(attempts).toHaveLength(2);
    expect(attempts[0]!.error).toMatch(/^phase "entries" rate limited at entry 5: .*429/s);
  });

  it('a non-critical error on one entry skips it and the run goes on with the others', async () => {
    const mate = (await db().entry.findFirstOrThrow({ where: { tracked: false, deleted: false }, orderBy: { id: 'asc' } })).id;
    await db().entry.update({ where: { id: mate }, data: { tracked: true } });
    injected.historyFailsFor = trackedId;
    let run: JobRun;
    try {
      run = await bed.run('tracked-entry-updater');
    } finally {
      injected.historyFailsFor = null;
      await db().entry.update({ where: { id: mate }, data: { tracked: false } });
    }
    expect(run.status).toBe('completed');
    expect(run.result).toMatchObject({ tracked: 2, entriesSkipped: 1 });
    expect(await db().entryEventHistory.count({ where: { entryId: mate } })).toBeGreaterThan(0);
    const logged = await db().runEvent.findMany({ where: { runId: run.id }, select: { message: true } });
    expect(logged.some((row) => row.message.includes(`skipped entry ${trackedId}: test: entry ${trackedId}'s history makes no sense`))).toBe(true);
  });
});

describe('entry-analyzer', () => {
  it('fetches history for untracked entries, scores the entries with enough of it, and has nothing to recheck', async () => {
    const run = await bed.run('entry-analyzer');
    expect(run.status).toBe('completed');
    const result = resultOf(run);
    expect(result.phases['fetch-history']).toEqual({ done: batchSize, skipped: 0, cutShort: false });
    expect(result.historyCreated).toBeGreaterThan(batchSize * 5);
    // the tracked entry and the fetched entries that started early enough: at most a batch of them
    const scored = Math.min(batchSize, (await entriesWithHistory(20)).length);
    expect(scored).toBeGreaterThan(1);
    expect(result.phases.score).toEqual({ done: scored, skipped: 0, cutShort: false });
    const analyses = await db().entryAnalysis.findMany({ orderBy: { entryId: 'asc' } });
    expect(analyses).toHaveLength(scored);
    expect(analyses[0]!.eventsAnalyzed).toBeGreaterThanOrEqual(20);
    expect(['normal', 'watch', 'flagged']).toContain(analyses[0]!.verdict);
    expect(Object.keys(analyses[0]!.signals as object).sort()).toEqual([...signalNames].sort());
    expect(result.phases.recheck).toEqual({ done: 0, skipped: 0, cutShort: false });
    expect(result).toMatchObject({ apiRequests: batchSize, analysesCreated: scored, phasesCutShort: 0 });
    expect(run.counters).toMatchObject({ apiRequests: batchSize, analysesCreated: scored });

    // Their history did not change: the next run leaves their analyses alone.
    await bed.run('entry-analyzer');
    const after = await db().entryAnalysis.findMany({ where: { entryId: { in: analyses.map((row) => row.entryId) } }, orderBy: { entryId: 'asc' } });
    expect(after.map((row) => row.analyzedAt)).toEqual(analyses.map((row) => row.analyzedAt));
  });

  it('rechecks flagged entries: a 404 upstream marks the entry deleted; a recheck waits an hour', async () => {
    const [gone, alive] = await entriesWithHistory(20);
    await db().entryAnalysis.updateMany({ where: { entryId: { in: [gone!, alive!] } }, data: { verdict: 'flagged' } });
    await bed.admin('/admin/faults', { notFoundEntries: [gone] });
    try {
      const run = await bed.run('entry-analyzer');
      expect(run.status).toBe('completed');
      expect(resultOf(run).phases.recheck).toEqual({ done: 2, skipped: 0, cutShort: false });
      expect(resultOf(run).entriesDeleted).toBe(1);
    } finally {
      await bed.admin('/admin/faults/reset');
    }
    expect(await db().entry.findUniqueOrThrow({ where: { id: gone! } })).toMatchObject({ deleted: true });
    expect(await db().entry.findUniqueOrThrow({ where: { id: alive! } })).toMatchObject({ deleted: false });
    const rechecked = await db().entryAnalysis.findMany({ where: { entryId: { in: [gone!, alive!] } } });
    expect(rechecked.every((row) => row.recheckedAt !== null)).toBe(true);

    const next = await bed.run('entry-analyzer');
    expect(resultOf(next).phases.recheck.done).toBe(0);
  });

  it('a rate limit ends the phase at once, and the next phase still runs', async () => {
    // One entry to score again, so the score phase has work after fetch-history is cut short.
    const [rescore] = await entriesWithHistory(20);
    await db().entryAnalysis.delete({ where: { entryId: rescore! } });
    await bed.admin('/admin/faults', { rateLimit: { perMinute: 3, retryAfterSeconds: 30 } });
    let run: JobRun;
    try {
      run = await bed.run('entry-analyzer');
    } finally {
      await bed.admin('/admin/faults/reset');
    }
    expect(run.status).toBe('completed');
    const result = resultOf(run);
    expect(result.phases['fetch-history']).toEqual({ done: 3, skipped: 0, cutShort: true });
    expect(result.phasesCutShort).toBe(1);
    expect(result.apiRequests).toBe(4);
    expect(result.phases.score.done).toBeGreaterThanOrEqual(1);
    expect(await db().entryAnalysis.findUnique({ where: { entryId: rescore! } })).not.toBeNull();
    expect(run.counters).toMatchObject({ phasesCutShort: 1, apiRequests: 4 });
  });

  it('an upstream error skips the entry and the run goes on', async () => {
    await bed.admin('/admin/faults', { errorRate: 0.5 });
    let run: JobRun;
    try {
      run = await bed.run('entry-analyzer');
    } finally {
      await bed.admin('/admin/faults/reset');
    }
    expect(run.status).toBe('completed');
    const phase = resultOf(run).phases['fetch-history'];
    expect(phase.skipped).toBeGreaterThan(0);
    expect(phase.done).toBeGreaterThan(0);
    expect(phase.done + phase.skipped).toBe(batchSize);
    expect(resultOf(run).entriesSkipped).toBe(phase.skipped);
    expect(run.counters).toMatchObject({ entriesSkipped: phase.skipped, apiRequests: batchSize });
  });

  it('a scoring error for one entry is logged and that entry skipped; the others are scored', async () => {
    const [first, second] = await entriesWithHistory(20);
    await db().entryAnalysis.deleteMany({ where: { entryId: { in: [first!, second!] } } });
    injected.scoringFailures = 1;
    let run: JobRun;
    try {
      run = await bed.run('entry-analyzer');
    } finally {
      injected.scoringFailures = 0;
    }
    expect(run.status).toBe('completed');
    expect(resultOf(run).phases.score).toMatchObject({ skipped: 1 });
    expect(await db().entryAnalysis.findUnique({ where: { entryId: first! } })).toBeNull();
    expect(await db().entryAnalysis.findUnique({ where: { entryId: second! } })).not.toBeNull();
    const logged = await db().runEvent.findMany({ where: { runId: run.id }, select: { message: true } });
    expect(logged.some((row) => row.message.includes(`score: skipped entry ${first}: scoring failed: test: the scoring divided by nothing`))).toBe(true);
  });

  it('a database error rolls back that entry, fails the phase and the run, and earlier entries keep their analysis', async () => {
    const [first, failing, later] = await entriesWithHistory(20);
    await db().entryAnalysis.deleteMany({ where: { entryId: { in: [first!, failing!, later!] } } });
    await db().$executeRawUnsafe(`
      CREATE FUNCTION test_refuse_analysis() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW."entryId" = ${failing} THEN RAISE EXCEPTION 'test refuses the analysis of entry %', NEW."entryId"; END IF;
        RETURN NEW;
      END $$`);
    await db().$executeRawUnsafe(`CREATE TRIGGER test_refuse_analysis BEFORE INSERT OR UPDATE ON "EntryAnalysis" FOR EACH ROW EXECUTE FUNCTION test_refuse_analysis()`);
    // The upstream is down, so fetch-history adds no new entries to score before `failing`.
    await bed.admin('/admin/faults', { errorRate: 1 });
    let run: JobRun;
    try {
      run = await bed.run('entry-analyzer');
    } finally {
      await bed.admin('/admin/faults/reset');
      await db().$executeRawUnsafe('DROP TRIGGER test_refuse_analysis ON "EntryAnalysis"');
      await db().$executeRawUnsafe('DROP FUNCTION test_refuse_analysis()');
    }
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(new RegExp(`^phase "score" failed at entry ${failing}: .*test refuses the analysis of entry ${failing}`, 's'));
    expect(await db().entryAnalysis.findUnique({ where: { entryId: first! } })).not.toBeNull();
    expect(await db().entryAnalysis.findUnique({ where: { entryId: failing! } })).toBeNull();
    expect(await db().entryAnalysis.findUnique({ where: { entryId: later! } })).toBeNull();
    // What it did before failing is on the run.
    const counters = run.counters as Record<string, number>;
    expect(counters.analysesCreated).toBe(1);
    expect(counters.apiRequests).toBeGreaterThan(0);
    expect(counters.entriesSkipped).toBe(counters.apiRequests);

    // With the trigger gone, the next run scores both.
    const next = await bed.run('entry-analyzer');
    expect(next.status).toBe('completed');
    expect(await db().entryAnalysis.count({ where: { entryId: { in: [failing!, later!] } } })).toBe(2);
  });
});
