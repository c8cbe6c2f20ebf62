import type { TwoLevelCache } from '../cache/two-level-cache.ts';
import type { Signal } from '../league/entry-scoring.ts';
import { db } from '../db.ts';

/**
 * What the Entries page (app/(dashboard)/league/entries) shows, read through the cache:
 * `entry:tracked` (the tracked ids, by name), `entry:analysed` (the analyzer's verdicts, highest
 * score first) and one `entry:{id}` per entry, which every job that changes an entry drops
 * (tracked-entry-updater, entry-updates, tournament-event-data, picks-processing,
 * entry-analyzer); tracking or untracking drops `entry:tracked` (lib/league/entry-tracking.ts),
 * the analyzer `entry:analysed`.
 */

/** One entry as `entry:{id}` holds it. */
export interface EntryDto {
  id: number;
  name: string;
  playerName: string;
  overallRank: number | null;
  points: number;
  lastFetchedAt: string | null;
  tracked: boolean;
  deleted: boolean;
}

export type TrackedEntryDto = Omit<EntryDto, 'tracked'>;

export interface AnalysedEntryDto {
  id: number;
  name: string;
  playerName: string;
  tracked: boolean;
  deleted: boolean;
  score: number;
  verdict: string;
  eventsAnalyzed: number;
  analyzedAt: string;
  recheckedAt: string | null;
  signals: Record<string, Signal>;
}

type AnalysisDto = Omit<AnalysedEntryDto, 'name' | 'playerName' | 'tracked' | 'deleted'>;

/** The `entry:{id}` of `ids`, in order (the ones not cached in one query). */
export async function entries(cache: TwoLevelCache, ids: readonly number[]): Promise<Map<number, EntryDto>> {
  const values = await cache.getOrLoadMany<EntryDto>(
    ids.map((id) => `entry:${id}`),
    async (missing) => {
      const wanted = missing.map((key) => Number(key.slice('entry:'.length)));
      const rows = await db().entry.findMany({ where: { id: { in: wanted } } });
      return new Map(
        rows.map((entry) => [
          `entry:${entry.id}`,
          {
            id: entry.id,
            name: entry.name,
            playerName: entry.playerName,
            overallRank: entry.summaryOverallRank,
            points: entry.summaryOverallPoints,
            lastFetchedAt: entry.lastFetchedAt?.toISOString() ?? null,
            tracked: entry.tracked,
            deleted: entry.deleted,
          },
        ]),
      );
    },
  );
  return new Map(values.filter((value): value is EntryDto => value !== undefined).map((entry) => [entry.id, entry]));
}

/** Tracked entries by name. */
export async function trackedEntries(cache: TwoLevelCache, limit = 500): Promise<TrackedEntryDto[]> {
  const ids = await cache.getOrLoad(`entry:tracked:${limit}`, async () =>
    (await db().entry.findMany({ where: { tracked: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: limit, select: { id: true } })).map((entry) => entry.id),
  );
  const byId = await entries(cache, ids);
  return ids.flatMap((id) => {
    const entry = byId.get(id);
    if (!entry?.tracked) return []; // untracked since the list was cached
    const { tracked: _tracked, ...rest } = entry;
    return [rest];
  });
}

/** The highest scores first: flagged, then watched, then the rest. */
export async function analysedEntries(cache: TwoLevelCache, limit = 100): Promise<AnalysedEntryDto[]> {
  const analyses = await cache.getOrLoad<AnalysisDto[]>(`entry:analysed:${limit}`, async () =>
    (await db().entryAnalysis.findMany({ orderBy: [{ score: 'desc' }, { entryId: 'asc' }], take: limit })).map((analysis) => ({
      id: analysis.entryId,
      score: analysis.score,
      verdict: analysis.verdict,
      eventsAnalyzed: analysis.eventsAnalyzed,
      analyzedAt: analysis.analyzedAt.toISOString(),
      recheckedAt: analysis.recheckedAt?.toISOString() ?? null,
      signals: (analysis.signals ?? {}) as Record<string, Signal>,
    })),
  );
  const byId = await entries(cache, analyses.map((analysis) => analysis.id));
  return analyses.flatMap((analysis) => {
    const entry = byId.get(analysis.id);
    return entry ? [{ ...analysis, name: entry.name, playerName: entry.playerName, tracked: entry.tracked, deleted: entry.deleted }] : [];
  });
}
