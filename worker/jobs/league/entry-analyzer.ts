import { db, Prisma } from '@/lib/db.ts';
import { entryAnalyzerJob } from '@/lib/jobs/definitions/league/entry-analyzer.ts';
import { chooseBaseline, scoreEntry, type Verdict } from '@/lib/league/entry-scoring.ts';
import { defineHandler } from '../../define-handler.ts';
import { SkipItemError, tally, unlessGone, workThrough } from './entry-loop.ts';
import { markDeleted, storeNewHistory, writeEntrySummary } from './entry-writes.ts';
import { invalidateChanged, withLeagueRun } from './league-run.ts';

/**
 * Handler of entry-analyzer (lib/jobs/definitions/league/entry-analyzer.ts). It works
 * entry by entry through workThrough (entry-loop.ts): one transaction per entry, a rate
 * limit ends the phase, an upstream error or a scoring error skips the entry, a database error
 * fails the run naming the entry.
 */

/** A flagged entry is checked upstream again at most this often. */
const recheckEveryMs = 60 * 60_000;

/**
 * Untracked entries with fewer than `minEvents` events stored that the upstream may have more
 * for: nothing stored yet, or the last stored event before the current gameweek. (One call
 * gives all the upstream has, so an entry that started late is not asked again until the next
 * gameweek.)
 */
async function entriesNeedingHistory(minEvents: number, limit: number): Promise<number[]> {
  const current = await db().event.findFirst({ where: { isCurrent: true }, select: { id: true } });
  if (!current) return [];
  const rows = await db().$queryRaw<{ id: number }[]>`
    SELECT e.id FROM "Entry" e
    LEFT JOIN LATERAL (
      SELECT count(*)::int AS events, max(h."eventId") AS last FROM "EntryEventHistory" h WHERE h."entryId" = e.id
    ) stored ON true
    WHERE NOT e.tracked AND NOT e.deleted AND stored.events < ${minEvents}
      AND (stored.last IS NULL OR stored.last < ${current.id})
    ORDER BY e.id
    LIMIT ${limit}`;
  return rows.map((row) => row.id);
}

/** Entries with `minEvents` or more events stored and no analysis, or history changed since it. */
async function entriesToScore(minEvents: number, limit: number): Promise<{ id: number; analysed: boolean }[]> {
  return db().$queryRaw<{ id: number; analysed: boolean }[]>`
    SELECT h."entryId" AS id, (a."entryId" IS NOT NULL) AS analysed
    FROM "EntryEventHistory" h
    JOIN "Entry" e ON e.id = h."entryId" AND NOT e.deleted
    LEFT JOIN "EntryAnalysis" a ON a."entryId" = h."entryId"
    GROUP BY h."entryId", a."entryId", a."analyzedAt"
    HAVING count(*) >= ${minEvents} AND (a."analyzedAt" IS NULL OR max(h."updatedAt") > a."analyzedAt")
    ORDER BY h."entryId"
    LIMIT ${limit}`;
}

/**
 * Per event of the entry's history, what it is measured against (chooseBaseline): the average
 * of its league-mates (members of any of its leagues) that have the event stored, and the
 * upstream's average over all entries.
 */
async function baselinesOf(tx: Prisma.TransactionClient, entryId: number): Promise<Map<number, number>> {
  const rows = await tx.$queryRaw<{ eventId: number; eventAverage: number | null; leagueAverage: number | null; leagueMates: number }[]>`
    SELECT ev.id AS "eventId", ev."averageEntryScore" AS "eventAverage", mates.average AS "leagueAverage", mates.n AS "leagueMates"
    FROM "Event" ev
    CROSS JOIN LATERAL (
      SELECT avg(h.points)::float8 AS average, count(*)::int AS n FROM "EntryEventHistory" h
      WHERE h."eventId" = ev.id AND h."entryId" <> ${entryId}
        AND h."entryId" IN (
          SELECT m."entryId" FROM "LeagueStanding" m
          WHERE m."leagueId" IN (SELECT s."leagueId" FROM "LeagueStanding" s WHERE s."entryId" = ${entryId}))
    ) mates
    WHERE ev.id IN (SELECT "eventId" FROM "EntryEventHistory" WHERE "entryId" = ${entryId})`;
  const baselines = new Map<number, number>();
  for (const row of rows) {
    const baseline = chooseBaseline(row);
    if (baseline !== undefined) baselines.set(row.eventId, baseline);
  }
  return baselines;
}

export const entryAnalyzerHandler = defineHandler(entryAnalyzerJob, (ctx) =>
  withLeagueRun(ctx, async (upstream, cache) => {
    const { minEvents, batchSize } = ctx.config;
    const options = { signal: ctx.signal };
    const counts = tally(ctx, ['historyCreated', 'historyUpdated', 'historyUnknownEvents', 'analysesCreated', 'analysesUpdated', 'entriesUpdated', 'entriesDeleted']);
    const verdicts: Record<Verdict, number> = { normal: 0, watch: 0, flagged: 0 };
    const changedEntries = new Set<number>();
    const gone = async (id: number) => {
      if (await markDeleted(db(), id)) counts.add('entriesDeleted');
      changedEntries.add(id);
    };

    const needingHistory = await entriesNeedingHistory(minEvents, batchSize);
    const fetchHistory = await workThrough(
      ctx,
      { phase: 'fetch-history', items: needingHistory, label: (id) => `entry ${id}`, skippedCounter: 'entriesSkipped' },
      async (id) => {
        const history = await unlessGone(upstream.entryHistory(id, options));
        if (!history) return gone(id);
        const written = await db().$transaction((tx) => storeNewHistory(tx, id, history));
        counts.add('historyCreated', written.created);
        counts.add('historyUpdated', written.updated);
        counts.add('historyUnknownEvents', written.unknownEvents);
        if (written.created + written.updated > 0) changedEntries.add(id);
      },
    );
    ctx.progress(33);

    const toScore = await entriesToScore(minEvents, batchSize);
    const score = await workThrough(ctx, { phase: 'score', items: toScore, label: ({ id }) => `entry ${id}`, skippedCounter: 'entriesSkipped' }, async ({ id, analysed }) => {
      const result = await db().$transaction(async (tx) => {
        const history = await tx.entryEventHistory.findMany({
          where: { entryId: id },
          select: { eventId: true, points: true, rank: true, overallRank: true, eventTransfers: true, eventTransfersCost: true },
        });
        const entry = await tx.entry.findUniqueOrThrow({ where: { id }, select: { startedEvent: true } });
        const averages = await baselinesOf(tx, id);
        // Riot 003 §3: a detection error for one entry is logged and the entry skipped.
        let scored;
        try {
          scored = scoreEntry({ history, averages, startedEvent: entry.startedEvent > 0 ? entry.startedEvent : null }, ctx.config);
        } catch (error) {
          throw new SkipItemError(`scoring failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
        const values = { score: scored.score, verdict: scored.verdict, signals: scored.signals, eventsAnalyzed: scored.eventsAnalyzed, analyzedAt: new Date() };
        await tx.entryAnalysis.upsert({ where: { entryId: id }, create: { entryId: id, ...values }, update: values });
        return scored;
      });
      counts.add(analysed ? 'analysesUpdated' : 'analysesCreated');
      verdicts[result.verdict] += 1;
    });
    ctx.progress(66);

    const flagged = await db().entryAnalysis.findMany({
      where: { verdict: 'flagged', entry: { deleted: false }, OR: [{ recheckedAt: null }, { recheckedAt: { lt: new Date(Date.now() - recheckEveryMs) } }] },
      orderBy: { entryId: 'asc' },
      take: batchSize,
      select: { entryId: true },
    });
    const recheck = await workThrough(
      ctx,
      { phase: 'recheck', items: flagged.map((row) => row.entryId), label: (id) => `entry ${id}`, skippedCounter: 'entriesSkipped' },
      async (id) => {
        const entry = await unlessGone(upstream.entry(id, options));
        const now = new Date();
        const summary = await db().$transaction(async (tx) => {
          const outcome = entry ? await writeEntrySummary(tx, entry, now) : (await markDeleted(tx, id)) ? 'deleted' : 'unchanged';
          await tx.entryAnalysis.update({ where: { entryId: id }, data: { recheckedAt: now } });
          return outcome;
        });
        if (summary === 'deleted') counts.add('entriesDeleted');
        else if (summary !== 'unchanged') counts.add('entriesUpdated');
        if (summary !== 'unchanged') changedEntries.add(id);
      },
    );
    ctx.progress(95);

    const invalidated = await invalidateChanged(
      ctx,
      cache,
      [...changedEntries].map((id) => `entry:${id}`),
    );
    const t = counts.totals;
    // The Entries page's list of verdicts (lib/data/league-entries.ts), ordered by score.
    if (t.analysesCreated + t.analysesUpdated + t.entriesDeleted > 0) await cache.invalidatePattern('entry:analysed:');
    const phases = { 'fetch-history': fetchHistory, score, recheck };
    return {
      processed: fetchHistory.done + score.done + recheck.done,
      created: t.historyCreated + t.analysesCreated,
      updated: t.historyUpdated + t.analysesUpdated + t.entriesUpdated + t.entriesDeleted,
      ...t,
      entriesSkipped: fetchHistory.skipped + score.skipped + recheck.skipped,
      phasesCutShort: Object.values(phases).filter((phase) => phase.cutShort).length,
      phases,
      verdicts,
      invalidated,
    };
  }),
);
