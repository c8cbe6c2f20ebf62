import { Prisma, type Db } from '../db.ts';

/**
 * Reads the materialized view "EntrySeasonStats" (migration historical_stats_view), which
 * Prisma does not model: per entry, its events played, points, best event, average and best
 * overall rank this season, as of the view's last refresh (the historical-stats-refresh job).
 */
export interface EntrySeasonStats {
  entryId: number;
  events: number;
  points: number;
  bestEvent: number;
  averagePoints: number;
  bestOverallRank: number | null;
}

/** The season stats of `entryIds` (all entries when omitted), by entry id. */
export function readEntrySeasonStats(client: Pick<Db, '$queryRaw'>, entryIds?: readonly number[]): Promise<EntrySeasonStats[]> {
  // count and sum are bigint and round() is numeric in the view; JSON-friendly numbers here.
  return client.$queryRaw<EntrySeasonStats[]>`
    SELECT "entryId", events::int AS events, points::int AS points, "bestEvent",
           "averagePoints"::float8 AS "averagePoints", "bestOverallRank"
    FROM "EntrySeasonStats"
    ${entryIds === undefined ? Prisma.empty : Prisma.sql`WHERE "entryId" = ANY(${[...entryIds]}::int[])`}
    ORDER BY "entryId"`;
}

/** Rows in the view. */
export async function countEntrySeasonStats(client: Pick<Db, '$queryRaw'>): Promise<number> {
  const [row] = await client.$queryRaw<{ rows: number }[]>`SELECT count(*)::int AS rows FROM "EntrySeasonStats"`;
  return row?.rows ?? 0;
}
