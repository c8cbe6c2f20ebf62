import type { Signal } from '../league/entry-scoring.ts';
import { db } from '../db.ts';

/**
 * What the Entries page (app/(dashboard)/league/entries) shows: the entries people follow and
 * the entry analyzer's verdicts, read straight from the database (they change every minute,
 * so the page reads them fresh on each refresh rather than through the cache).
 */

export interface TrackedEntryDto {
  id: number;
  name: string;
  playerName: string;
  overallRank: number | null;
  points: number;
  lastFetchedAt: string | null;
  deleted: boolean;
}

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

/** Tracked entries by name. */
export async function trackedEntries(limit = 500): Promise<TrackedEntryDto[]> {
  const rows = await db().entry.findMany({ where: { tracked: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: limit });
  return rows.map((entry) => ({
    id: entry.id,
    name: entry.name,
    playerName: entry.playerName,
    overallRank: entry.summaryOverallRank,
    points: entry.summaryOverallPoints,
    lastFetchedAt: entry.lastFetchedAt?.toISOString() ?? null,
    deleted: entry.deleted,
  }));
}

/** The highest scores first: flagged, then watched, then the rest. */
export async function analysedEntries(limit = 100): Promise<AnalysedEntryDto[]> {
  const rows = await db().entryAnalysis.findMany({ orderBy: [{ score: 'desc' }, { entryId: 'asc' }], take: limit, include: { entry: true } });
  return rows.map((analysis) => ({
    id: analysis.entryId,
    name: analysis.entry.name,
    playerName: analysis.entry.playerName,
    tracked: analysis.entry.tracked,
    deleted: analysis.entry.deleted,
    score: analysis.score,
    verdict: analysis.verdict,
    eventsAnalyzed: analysis.eventsAnalyzed,
    analyzedAt: analysis.analyzedAt.toISOString(),
    recheckedAt: analysis.recheckedAt?.toISOString() ?? null,
    signals: (analysis.signals ?? {}) as Record<string, Signal>,
  }));
}
