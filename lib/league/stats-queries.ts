import { z } from 'zod';
import type { TwoLevelCache } from '../cache/two-level-cache.ts';
import { db } from '../db.ts';
import { statsStep, statsUpdateJob, type StatsStepName } from '../jobs/definitions/league/stats-update.ts';

/**
 * What the League stats page shows from stats-update's tables (the stats_steps migration),
 * read with raw SQL (Prisma does not model them) through the two-level cache under each
 * step's key prefix (`history:stats:<step>:`), which stats-update drops when the step commits.
 */

export interface SeasonRowDto {
  rank: number;
  entryId: number;
  entryName: string;
  playerName: string;
  events: number;
  points: number;
  averagePoints: number;
  bestEvent: number;
}

export interface PowerRatingDto {
  rank: number;
  entryId: number;
  entryName: string;
  rating: number;
  recentAverage: number;
  seasonAverage: number;
}

export interface HallOfFameDto {
  position: number;
  entryId: number;
  entryName: string;
  eventId: number;
  eventName: string;
  points: number;
}

export interface GameweekReportDto {
  eventId: number;
  eventName: string;
  entries: number;
  averagePoints: number;
  highestPoints: number;
  topEntryName: string;
  topPlayerName: string | null;
  topPlayerTeam: string | null;
  topPlayerPoints: number | null;
  transfers: number;
  hits: number;
  goals: number;
}

const key = (step: StatsStepName, rest: string) => `${statsStep(step).cacheKeyPrefix}${rest}`;

/** The season table (or one half of it), best first. */
export function seasonTable(cache: TwoLevelCache, half: 'full' | 'first' | 'second' = 'full', limit = 20): Promise<SeasonRowDto[]> {
  return cache.getOrLoad(key('season', `${half}:top:${limit}`), () =>
    db().$queryRaw<SeasonRowDto[]>`
      SELECT rank, "entryId", "entryName", "playerName", events, points, "averagePoints", "bestEvent"
      FROM "StatsSeason" WHERE half = ${half}
      ORDER BY rank, "entryId" LIMIT ${limit}`,
  );
}

export function powerRatings(cache: TwoLevelCache, limit = 10): Promise<PowerRatingDto[]> {
  return cache.getOrLoad(key('power-ratings', `top:${limit}`), () =>
    db().$queryRaw<PowerRatingDto[]>`
      SELECT p.rank, p."entryId", e.name AS "entryName", p.rating, p."recentAverage", p."seasonAverage"
      FROM "StatsPowerRating" p JOIN "Entry" e ON e.id = p."entryId"
      ORDER BY p.rank, p."entryId" LIMIT ${limit}`,
  );
}

export function hallOfFame(cache: TwoLevelCache, limit = 10): Promise<HallOfFameDto[]> {
  return cache.getOrLoad(key('hall-of-fame', `top:${limit}`), () =>
    db().$queryRaw<HallOfFameDto[]>`
      SELECT position, "entryId", "entryName", "eventId", "eventName", points
      FROM "StatsHallOfFame"
      ORDER BY position, "eventId", "entryId" LIMIT ${limit}`,
  );
}

/** The report of the latest finished gameweek; null before any. */
export function latestGameweekReport(cache: TwoLevelCache): Promise<GameweekReportDto | null> {
  return cache.getOrLoad(key('gameweek-report', 'latest'), async () => {
    const [report] = await db().$queryRaw<GameweekReportDto[]>`
      SELECT "eventId", "eventName", entries, "averagePoints", "highestPoints", "topEntryName", "topPlayerName", "topPlayerTeam",
             "topPlayerPoints", transfers, hits, goals
      FROM "StatsGameweekReport"
      ORDER BY "eventId" DESC LIMIT 1`;
    return report ?? null;
  });
}

/** What a completed stats-update run stores as its result (see worker/jobs/league/stats-update.ts). */
export const statsRunResultSchema = z.object({
  source: z.string(),
  steps: z.array(z.object({ name: z.string(), ms: z.number(), rows: z.number(), ok: z.boolean() })),
  totalMs: z.number(),
  sumOfStepsMs: z.number(),
  parallelGain: z.number().nullable(),
});
export type StatsRunResult = z.infer<typeof statsRunResultSchema>;

export interface StatsRunSummary {
  runId: string;
  finishedAt: string | null;
  trigger: string;
  result: StatsRunResult;
}

/** The latest completed stats-update run with its step timings; null before any. Not cached: runs change all the time. */
export async function latestStatsRun(): Promise<StatsRunSummary | null> {
  const run = await db().jobRun.findFirst({
    where: { jobName: statsUpdateJob.name, status: 'completed' },
    orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }],
    select: { id: true, finishedAt: true, trigger: true, result: true },
  });
  const result = statsRunResultSchema.safeParse(run?.result);
  if (!run || !result.success) return null;
  return { runId: run.id, finishedAt: run.finishedAt?.toISOString() ?? null, trigger: run.trigger, result: result.data };
}
