import type { Db } from '@/lib/db.ts';

export interface LeagueStatsSeedOptions {
  /** Entries, each with a history row for every finished gameweek. */
  entries: number;
  /** Gameweeks in the season. Default: 38. */
  events?: number;
  /** Gameweeks 1..finished are finished. Default: all. */
  finished?: number;
  /** Classic leagues; entry n plays in league (n mod leagues) + 1 and every entry in league 1. Default: 3. */
  leagues?: number;
}

/**
 * League data for the stats tests, written straight into PostgreSQL (no upstream): 20 teams
 * with 5 players each, the season's gameweeks with 10 fixtures each, entries with a history
 * row per finished gameweek, and leagues with standings. Scores come from `hashtext`, so the
 * same options always give the same data. Clears the league tables first.
 */
export async function seedLeagueStats(db: Db, options: LeagueStatsSeedOptions): Promise<void> {
  const events = options.events ?? 38;
  const finished = options.finished ?? events;
  const leagues = options.leagues ?? 3;
  const { entries } = options;
  // Deterministic 0..n-1 from any text.
  const pick = (text: string, n: number) => `mod(abs(hashtext(${text})::bigint), ${n})`;
  await db.$transaction(
    [
      db.$executeRawUnsafe(`TRUNCATE "LeagueStanding", "League", "EntryEventHistory", "Entry", "PlayerEventStats", "Player", "Fixture", "Event", "Team" CASCADE`),
      db.$executeRawUnsafe(`
        INSERT INTO "Team" (id, name, "shortName", strength)
        SELECT t, 'Team ' || t, 'T' || lpad(t::text, 2, '0'), 1 + ${pick(`'team' || t`, 5)}
        FROM generate_series(1, 20) t`),
      db.$executeRawUnsafe(`
        INSERT INTO "Event" (id, name, "deadlineTime", "isPrevious", "isCurrent", "isNext", finished, "dataChecked", "averageEntryScore")
        SELECT ev, 'Gameweek ' || ev, timestamp '2026-08-21 17:30' + (ev - 1) * interval '7 days',
               ev < ${finished}, ev = ${finished}, ev = ${finished} + 1, ev <= ${finished}, ev <= ${finished},
               CASE WHEN ev <= ${finished} THEN 50 END
        FROM generate_series(1, ${events}) ev`),
      db.$executeRawUnsafe(`
        INSERT INTO "Fixture" (id, "eventId", "teamHId", "teamAId", started, finished, "finishedProvisional", minutes, "teamHScore", "teamAScore")
        SELECT (ev - 1) * 10 + m, ev, 2 * m - 1, 2 * m, ev <= ${finished}, ev <= ${finished}, ev <= ${finished},
               CASE WHEN ev <= ${finished} THEN 90 ELSE 0 END,
               CASE WHEN ev <= ${finished} THEN ${pick(`'h' || ev || ':' || m`, 4)} END,
               CASE WHEN ev <= ${finished} THEN ${pick(`'a' || ev || ':' || m`, 3)} END
        FROM generate_series(1, ${events}) ev, generate_series(1, 10) m`),
      db.$executeRawUnsafe(`
        INSERT INTO "Player" (id, "webName", "firstName", "secondName", "teamId", "elementType", "nowCost", "totalPoints", form, "selectedByPercent", status)
        SELECT p, 'Player ' || p, 'First', 'Player ' || p, 1 + (p - 1) / 5, 1 + mod(p, 4), 45 + ${pick(`'cost' || p`, 80)}, 0, 0, 1.5, 'a'
        FROM generate_series(1, 100) p`),
      db.$executeRawUnsafe(`
        INSERT INTO "PlayerEventStats" ("playerId", "eventId", minutes, "goalsScored", assists, "cleanSheets", bonus, "totalPoints")
        SELECT p, ev, 90, ${pick(`'g' || p || ':' || ev`, 3)}, ${pick(`'as' || p || ':' || ev`, 2)}, 0, ${pick(`'b' || p || ':' || ev`, 4)}, 1 + ${pick(`'pts' || p || ':' || ev`, 18)}
        FROM generate_series(1, 100) p, generate_series(1, ${finished}) ev`),
      db.$executeRawUnsafe(`
        INSERT INTO "Entry" (id, name, "playerName", "startedEvent", "summaryOverallPoints", tracked)
        SELECT e, 'Squad ' || e, 'Manager ' || e, 1, 0, true
        FROM generate_series(1, ${entries}) e`),
      // Points 20..99, a transfer hit now and then; totals and overall ranks follow from them.
      db.$executeRawUnsafe(`
        WITH scores AS (
          SELECT e, ev, 20 + ${pick(`'pts' || e || ':' || ev`, 80)} AS points,
                 ${pick(`'tr' || e || ':' || ev`, 3)} AS transfers
          FROM generate_series(1, ${entries}) e, generate_series(1, ${finished}) ev
        ), costed AS (
          SELECT *, greatest(transfers - 1, 0) * 4 AS cost FROM scores
        ), totalled AS (
          SELECT *, sum(points - cost) OVER (PARTITION BY e ORDER BY ev) AS total FROM costed
        )
        INSERT INTO "EntryEventHistory" ("entryId", "eventId", points, "totalPoints", rank, "overallRank", "eventTransfers", "eventTransfersCost", value, bank, "pointsOnBench")
        SELECT e, ev, points, total, rank() OVER (PARTITION BY ev ORDER BY points DESC) * 1000,
               rank() OVER (PARTITION BY ev ORDER BY total DESC) * 1000, transfers, cost,
               1000 + ev * 2 + ${pick(`'v' || e`, 50)}, ${pick(`'bank' || e || ':' || ev`, 30)}, ${pick(`'bench' || e || ':' || ev`, 25)}
        FROM totalled`),
      db.$executeRawUnsafe(`
        UPDATE "Entry" en SET "summaryOverallPoints" = h."totalPoints", "summaryOverallRank" = h."overallRank", "summaryEventPoints" = h.points
        FROM "EntryEventHistory" h WHERE h."entryId" = en.id AND h."eventId" = ${finished}`),
      db.$executeRawUnsafe(`
        INSERT INTO "League" (id, name) SELECT l, 'League ' || l FROM generate_series(1, ${leagues}) l`),
      db.$executeRawUnsafe(`
        WITH members AS (
          SELECT DISTINCT l AS "leagueId", e AS "entryId"
          FROM generate_series(1, ${entries}) e
          CROSS JOIN LATERAL (VALUES (1), (mod(e, ${leagues}) + 1)) AS m(l)
        )
        INSERT INTO "LeagueStanding" ("leagueId", "entryId", rank, "lastRank", total, "eventTotal")
        SELECT m."leagueId", m."entryId", rank() OVER (PARTITION BY m."leagueId" ORDER BY en."summaryOverallPoints" DESC),
               0, en."summaryOverallPoints", coalesce(en."summaryEventPoints", 0)
        FROM members m JOIN "Entry" en ON en.id = m."entryId"`),
    ],
    // A loaded machine takes longer than Prisma's 5 s default for the whole seed.
    { timeout: 120_000, maxWait: 30_000 },
  );
}
