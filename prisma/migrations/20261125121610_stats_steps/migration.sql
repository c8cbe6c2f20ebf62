-- The stats-update job's ten aggregate tables and the ten functions that rebuild them
-- (lib/jobs/definitions/league/stats.ts, worker/jobs/league/stats.ts). Written by hand: Prisma
-- does not model these tables; the app reads them with raw SQL (lib/league/stats-queries.ts).
--
-- Each function `kickoff_stats_<step>()` rebuilds one table from the league data with
-- DELETE + INSERT … SELECT and returns the number of rows it wrote. It runs in its caller's
-- transaction, so readers see the old rows until the rebuild commits, never a half-built
-- table (DELETE, not TRUNCATE: TRUNCATE would lock readers out until the commit).
-- The worker runs the ten at once, each in its own transaction, so no function may read
-- another's table (it would see that table's old contents): each reads the league data only.
--
-- Only finished gameweeks count: a live gameweek's points are provisional. "Net" points are
-- a gameweek's points less its transfer cost, which is what the season total adds up.

-- The history rows every step starts from: one per entry per finished gameweek.
CREATE VIEW "StatsFinishedHistory" AS
SELECT
  h."entryId",
  h."eventId",
  h.points,
  h.points - h."eventTransfersCost" AS net,
  h."totalPoints",
  h."overallRank",
  h."eventTransfers",
  h."eventTransfersCost",
  h."pointsOnBench",
  h.value
FROM "EntryEventHistory" h
JOIN "Event" e ON e.id = h."eventId" AND e.finished;

-- The same rows with each entry's place among the entries we hold in that gameweek (by net
-- points; ties share a place). The upstream's own `rank` is among every manager in the game.
CREATE VIEW "StatsRankedHistory" AS
SELECT h.*, rank() OVER (PARTITION BY h."eventId" ORDER BY h.net DESC)::integer AS "eventRank"
FROM "StatsFinishedHistory" h;

-- The last `n` finished gameweeks, for the steps that weigh recent form.
CREATE FUNCTION kickoff_recent_finished_events(n integer) RETURNS TABLE ("eventId" integer)
LANGUAGE sql STABLE AS $$
  SELECT id FROM "Event" WHERE finished ORDER BY id DESC LIMIT n
$$;

-- ---------------------------------------------------------------------------------------
-- 1. Season table: full season and each half (gameweeks 1–19 and 20–38 of 38).
CREATE TABLE "StatsSeason" (
  "half" text NOT NULL CHECK ("half" IN ('full', 'first', 'second')),
  "entryId" integer NOT NULL,
  "rank" integer NOT NULL,
  "entryName" text NOT NULL,
  "playerName" text NOT NULL,
  "events" integer NOT NULL,
  "points" integer NOT NULL,
  "averagePoints" double precision NOT NULL,
  "bestEvent" integer NOT NULL,
  "transfersCost" integer NOT NULL,
  "benchPoints" integer NOT NULL,
  "computedAt" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("half", "entryId")
);
CREATE INDEX "StatsSeason_half_rank_idx" ON "StatsSeason" ("half", "rank");

CREATE FUNCTION kickoff_stats_season() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  DELETE FROM "StatsSeason";
  WITH split AS (
    -- The last gameweek of the first half: 19 of 38.
    SELECT ceil(max(id) / 2.0)::integer AS last_of_first FROM "Event"
  ), halves AS (
    -- Every row counts twice: for the full season and for its half.
    SELECT h.*, half.name AS half
    FROM "StatsFinishedHistory" h
    CROSS JOIN split
    CROSS JOIN LATERAL (VALUES ('full'), (CASE WHEN h."eventId" <= split.last_of_first THEN 'first' ELSE 'second' END)) AS half(name)
  ), totals AS (
    SELECT half, "entryId", count(*)::integer AS events, sum(net)::integer AS points, avg(net) AS average,
           max(points) AS best, sum("eventTransfersCost")::integer AS cost, sum("pointsOnBench")::integer AS bench
    FROM halves
    GROUP BY half, "entryId"
  )
  INSERT INTO "StatsSeason" ("half", "entryId", "rank", "entryName", "playerName", "events", "points", "averagePoints", "bestEvent", "transfersCost", "benchPoints")
  SELECT t.half, t."entryId", rank() OVER (PARTITION BY t.half ORDER BY t.points DESC), e.name, e."playerName",
         t.events, t.points, round(t.average, 2), t.best, t.cost, t.bench
  FROM totals t
  JOIN "Entry" e ON e.id = t."entryId";
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END $$;

-- ---------------------------------------------------------------------------------------
-- 2. All-time table: every entry by its total points (the upstream's summary for an entry we
-- hold no finished history of), with its best place in any league.
CREATE TABLE "StatsAllTime" (
  "entryId" integer PRIMARY KEY,
  "rank" integer NOT NULL,
  "entryName" text NOT NULL,
  "playerName" text NOT NULL,
  "totalPoints" integer NOT NULL,
  "overallRank" integer,
  "eventsPlayed" integer NOT NULL,
  "bestLeagueRank" integer,
  "computedAt" timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX "StatsAllTime_rank_idx" ON "StatsAllTime" ("rank");

CREATE FUNCTION kickoff_stats_all_time() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  DELETE FROM "StatsAllTime";
  WITH latest AS (
    -- The total after the entry's last finished gameweek.
    SELECT DISTINCT ON ("entryId") "entryId", "totalPoints", "overallRank"
    FROM "StatsFinishedHistory"
    ORDER BY "entryId", "eventId" DESC
  ), played AS (
    SELECT "entryId", count(*)::integer AS events FROM "StatsFinishedHistory" GROUP BY "entryId"
  ), leagues AS (
    SELECT "entryId", min(rank) AS best FROM "LeagueStanding" GROUP BY "entryId"
  ), totals AS (
    SELECT e.id, e.name, e."playerName",
           coalesce(l."totalPoints", e."summaryOverallPoints") AS total,
           coalesce(l."overallRank", e."summaryOverallRank") AS "overallRank",
           coalesce(p.events, 0) AS events, lg.best
    FROM "Entry" e
    LEFT JOIN latest l ON l."entryId" = e.id
    LEFT JOIN played p ON p."entryId" = e.id
    LEFT JOIN leagues lg ON lg."entryId" = e.id
  )
  INSERT INTO "StatsAllTime" ("entryId", "rank", "entryName", "playerName", "totalPoints", "overallRank", "eventsPlayed", "bestLeagueRank")
  SELECT id, rank() OVER (ORDER BY total DESC), name, "playerName", total, "overallRank", events, best
  FROM totals;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END $$;

-- ---------------------------------------------------------------------------------------
-- 3. Hall of fame: the 100 best single gameweek scores (points before transfer costs, as
-- the game shows a gameweek's score).
CREATE TABLE "StatsHallOfFame" (
  "entryId" integer NOT NULL,
  "eventId" integer NOT NULL,
  "position" integer NOT NULL,
  "points" integer NOT NULL,
  "entryName" text NOT NULL,
  "playerName" text NOT NULL,
  "eventName" text NOT NULL,
  "computedAt" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("entryId", "eventId")
);
CREATE INDEX "StatsHallOfFame_position_idx" ON "StatsHallOfFame" ("position");

CREATE FUNCTION kickoff_stats_hall_of_fame() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  DELETE FROM "StatsHallOfFame";
  INSERT INTO "StatsHallOfFame" ("entryId", "eventId", "position", "points", "entryName", "playerName", "eventName")
  SELECT h."entryId", h."eventId", rank() OVER (ORDER BY h.points DESC), h.points, e.name, e."playerName", ev.name
  FROM "StatsFinishedHistory" h
  JOIN "Entry" e ON e.id = h."entryId"
  JOIN "Event" ev ON ev.id = h."eventId"
  ORDER BY h.points DESC, h."eventId", h."entryId"
  LIMIT 100;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END $$;

-- ---------------------------------------------------------------------------------------
-- 4. Recent form: each entry over the last five finished gameweeks, against its season.
CREATE TABLE "StatsRecentForm" (
  "entryId" integer PRIMARY KEY,
  "rank" integer NOT NULL,
  "events" integer NOT NULL,
  "points" integer NOT NULL,
  "averagePoints" double precision NOT NULL,
  "seasonAverage" double precision NOT NULL,
  -- Recent average less season average: above zero, the entry is on the up.
  "trend" double precision NOT NULL,
  -- Net points of each of the recent gameweeks, oldest first.
  "scores" integer[] NOT NULL,
  "computedAt" timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX "StatsRecentForm_rank_idx" ON "StatsRecentForm" ("rank");

CREATE FUNCTION kickoff_stats_recent_form() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  DELETE FROM "StatsRecentForm";
  WITH recent AS (
    SELECT h."entryId", count(*)::integer AS events, sum(h.net)::integer AS points, avg(h.net) AS average,
           array_agg(h.net ORDER BY h."eventId") AS scores
    FROM "StatsFinishedHistory" h
    JOIN kickoff_recent_finished_events(5) r ON r."eventId" = h."eventId"
    GROUP BY h."entryId"
  ), season AS (
    SELECT "entryId", avg(net) AS average FROM "StatsFinishedHistory" GROUP BY "entryId"
  )
  INSERT INTO "StatsRecentForm" ("entryId", "rank", "events", "points", "averagePoints", "seasonAverage", "trend", "scores")
  SELECT r."entryId", rank() OVER (ORDER BY r.points DESC), r.events, r.points, round(r.average, 2), round(s.average, 2),
         round(r.average - s.average, 2), r.scores
  FROM recent r
  JOIN season s ON s."entryId" = r."entryId";
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END $$;

-- ---------------------------------------------------------------------------------------
-- 5. Season honours and records: one row per record, held by the first entry to set it.
CREATE TABLE "StatsRecords" (
  "record" text PRIMARY KEY,
  "label" text NOT NULL,
  "entryId" integer NOT NULL,
  "entryName" text NOT NULL,
  -- The gameweek the record was set in; null for a season-long record.
  "eventId" integer,
  "value" double precision NOT NULL,
  "detail" text,
  "computedAt" timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION kickoff_stats_records() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  DELETE FROM "StatsRecords";
  WITH history AS MATERIALIZED (
    -- Read once: every record below scans it.
    SELECT * FROM "StatsRankedHistory"
  ), top10_streaks AS (
    -- Gaps and islands: gameweeks in a row in the top 10 share ("eventId" − row number).
    SELECT "entryId", min("eventId") AS first, max("eventId") AS last, count(*)::integer AS length
    FROM (
      SELECT "entryId", "eventId", "eventId" - row_number() OVER (PARTITION BY "entryId" ORDER BY "eventId") AS island
      FROM history
      WHERE "eventRank" <= 10
    ) top10
    GROUP BY "entryId", island
  ), climbs AS (
    SELECT "entryId", "eventId", lag("overallRank") OVER (PARTITION BY "entryId" ORDER BY "eventId") - "overallRank" AS climb
    FROM history
  ), records AS (
    (SELECT 'highest-event-score' AS record, 'Highest gameweek score' AS label, "entryId", "eventId", points::double precision AS value, NULL AS detail
     FROM history ORDER BY points DESC, "eventId", "entryId" LIMIT 1)
    UNION ALL
    (SELECT 'highest-season-total', 'Most points this season', "entryId", NULL, sum(net), count(*) || ' gameweeks'
     FROM history GROUP BY "entryId" ORDER BY sum(net) DESC, "entryId" LIMIT 1)
    UNION ALL
    (SELECT 'most-event-wins', 'Most gameweek wins', "entryId", NULL, count(*), NULL
     FROM history WHERE "eventRank" = 1 GROUP BY "entryId" ORDER BY count(*) DESC, "entryId" LIMIT 1)
    UNION ALL
    (SELECT 'most-consecutive-top10', 'Most gameweeks in a row in the top 10', "entryId", NULL, length, 'GW ' || first || '–' || last
     FROM top10_streaks ORDER BY length DESC, first, "entryId" LIMIT 1)
    UNION ALL
    (SELECT 'most-points-on-bench', 'Most points left on the bench', "entryId", "eventId", "pointsOnBench", NULL
     FROM history ORDER BY "pointsOnBench" DESC, "eventId", "entryId" LIMIT 1)
    UNION ALL
    (SELECT 'biggest-transfer-hit', 'Biggest transfer hit', "entryId", "eventId", "eventTransfersCost", "eventTransfers" || ' transfers'
     FROM history WHERE "eventTransfersCost" > 0 ORDER BY "eventTransfersCost" DESC, "eventId", "entryId" LIMIT 1)
    UNION ALL
    (SELECT 'biggest-rank-climb', 'Biggest overall rank climb in a gameweek', "entryId", "eventId", climb, NULL
     FROM climbs WHERE climb > 0 ORDER BY climb DESC, "eventId", "entryId" LIMIT 1)
    UNION ALL
    (SELECT 'best-overall-rank', 'Best overall rank', "entryId", "eventId", "overallRank", NULL
     FROM history WHERE "overallRank" IS NOT NULL ORDER BY "overallRank", "eventId", "entryId" LIMIT 1)
    UNION ALL
    (SELECT 'highest-team-value', 'Highest squad value (£m)', "entryId", "eventId", value / 10.0, NULL
     FROM history ORDER BY value DESC, "eventId", "entryId" LIMIT 1)
  )
  INSERT INTO "StatsRecords" ("record", "label", "entryId", "entryName", "eventId", "value", "detail")
  SELECT r.record, r.label, r."entryId", e.name, r."eventId", r.value, r.detail
  FROM records r
  JOIN "Entry" e ON e.id = r."entryId";
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END $$;

-- ---------------------------------------------------------------------------------------
-- 6. Gameweek report: per finished gameweek, how our entries did, who did best, and the
-- best player of the round.
CREATE TABLE "StatsGameweekReport" (
  "eventId" integer PRIMARY KEY,
  "eventName" text NOT NULL,
  "entries" integer NOT NULL,
  "averagePoints" double precision NOT NULL,
  -- The upstream's average over every manager in the game, when it sent one.
  "upstreamAverage" integer,
  "highestPoints" integer NOT NULL,
  "topEntryId" integer NOT NULL,
  "topEntryName" text NOT NULL,
  "topPlayerId" integer,
  "topPlayerName" text,
  "topPlayerTeam" text,
  "topPlayerPoints" integer,
  "transfers" integer NOT NULL,
  -- Entries that took a transfer hit.
  "hits" integer NOT NULL,
  "goals" integer NOT NULL,
  "computedAt" timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION kickoff_stats_gameweek_report() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  DELETE FROM "StatsGameweekReport";
  WITH per_event AS (
    SELECT "eventId", count(*)::integer AS entries, avg(points) AS average, max(points) AS highest,
           sum("eventTransfers")::integer AS transfers, (count(*) FILTER (WHERE "eventTransfersCost" > 0))::integer AS hits
    FROM "StatsFinishedHistory"
    GROUP BY "eventId"
  ), top_entry AS (
    SELECT DISTINCT ON ("eventId") "eventId", "entryId"
    FROM "StatsFinishedHistory"
    ORDER BY "eventId", points DESC, "entryId"
  ), top_player AS (
    SELECT DISTINCT ON ("eventId") "eventId", "playerId", "totalPoints"
    FROM "PlayerEventStats"
    ORDER BY "eventId", "totalPoints" DESC, "playerId"
  ), goals AS (
    SELECT "eventId", sum(coalesce("teamHScore", 0) + coalesce("teamAScore", 0))::integer AS goals
    FROM "Fixture"
    GROUP BY "eventId"
  )
  INSERT INTO "StatsGameweekReport" ("eventId", "eventName", "entries", "averagePoints", "upstreamAverage", "highestPoints", "topEntryId", "topEntryName",
                                     "topPlayerId", "topPlayerName", "topPlayerTeam", "topPlayerPoints", "transfers", "hits", "goals")
  SELECT ev.id, ev.name, pe.entries, round(pe.average, 2), ev."averageEntryScore", pe.highest, te."entryId", en.name,
         tp."playerId", pl."webName", tm."shortName", tp."totalPoints", pe.transfers, pe.hits, coalesce(g.goals, 0)
  FROM "Event" ev
  JOIN per_event pe ON pe."eventId" = ev.id
  JOIN top_entry te ON te."eventId" = ev.id
  JOIN "Entry" en ON en.id = te."entryId"
  LEFT JOIN top_player tp ON tp."eventId" = ev.id
  LEFT JOIN "Player" pl ON pl.id = tp."playerId"
  LEFT JOIN "Team" tm ON tm.id = pl."teamId"
  LEFT JOIN goals g ON g."eventId" = ev.id;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END $$;

-- ---------------------------------------------------------------------------------------
-- 7. Personal bests: each entry's best gameweek, best place among our entries, best overall
-- rank, and worst gameweek.
CREATE TABLE "StatsPersonalBest" (
  "entryId" integer PRIMARY KEY,
  "bestEventId" integer NOT NULL,
  "bestEventPoints" integer NOT NULL,
  "bestEventRank" integer NOT NULL,
  "bestOverallRank" integer,
  "bestOverallRankEventId" integer,
  "worstEventPoints" integer NOT NULL,
  "computedAt" timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION kickoff_stats_personal_bests() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  DELETE FROM "StatsPersonalBest";
  WITH history AS MATERIALIZED (
    SELECT * FROM "StatsRankedHistory"
  ), best_event AS (
    SELECT DISTINCT ON ("entryId") "entryId", "eventId", points
    FROM history
    ORDER BY "entryId", points DESC, "eventId"
  ), best_overall AS (
    SELECT DISTINCT ON ("entryId") "entryId", "eventId", "overallRank"
    FROM history
    WHERE "overallRank" IS NOT NULL
    ORDER BY "entryId", "overallRank", "eventId"
  ), extremes AS (
    SELECT "entryId", min("eventRank") AS best_rank, min(points) AS worst
    FROM history
    GROUP BY "entryId"
  )
  INSERT INTO "StatsPersonalBest" ("entryId", "bestEventId", "bestEventPoints", "bestEventRank", "bestOverallRank", "bestOverallRankEventId", "worstEventPoints")
  SELECT be."entryId", be."eventId", be.points, x.best_rank, bo."overallRank", bo."eventId", x.worst
  FROM best_event be
  JOIN extremes x ON x."entryId" = be."entryId"
  LEFT JOIN best_overall bo ON bo."entryId" = be."entryId";
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END $$;

-- ---------------------------------------------------------------------------------------
-- 8. Entry profile: how an entry plays, with consistency as the spread of its gameweek
-- scores (sample standard deviation: lower is steadier).
CREATE TABLE "StatsEntryProfile" (
  "entryId" integer PRIMARY KEY,
  "eventsPlayed" integer NOT NULL,
  "averagePoints" double precision NOT NULL,
  -- Null with fewer than two gameweeks.
  "consistency" double precision,
  "transfers" integer NOT NULL,
  "transfersCost" integer NOT NULL,
  "benchPoints" integer NOT NULL,
  -- Squad value after the last finished gameweek, in tenths of a million.
  "teamValue" integer NOT NULL,
  "leagues" integer NOT NULL,
  "computedAt" timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION kickoff_stats_entry_profiles() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  DELETE FROM "StatsEntryProfile";
  WITH profile AS (
    SELECT "entryId", count(*)::integer AS events, avg(net) AS average, stddev_samp(net) AS spread,
           sum("eventTransfers")::integer AS transfers, sum("eventTransfersCost")::integer AS cost,
           sum("pointsOnBench")::integer AS bench, (array_agg(value ORDER BY "eventId" DESC))[1] AS value
    FROM "StatsFinishedHistory"
    GROUP BY "entryId"
  ), leagues AS (
    SELECT "entryId", count(*)::integer AS leagues FROM "LeagueStanding" GROUP BY "entryId"
  )
  INSERT INTO "StatsEntryProfile" ("entryId", "eventsPlayed", "averagePoints", "consistency", "transfers", "transfersCost", "benchPoints", "teamValue", "leagues")
  SELECT p."entryId", p.events, round(p.average, 2), round(p.spread, 2), p.transfers, p.cost, p.bench, p.value, coalesce(l.leagues, 0)
  FROM profile p
  LEFT JOIN leagues l ON l."entryId" = p."entryId";
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END $$;

-- ---------------------------------------------------------------------------------------
-- 9. Season race: the running total of today's top 20 after each gameweek, and their order
-- among the 20 then, for the race chart.
CREATE TABLE "StatsSeasonRace" (
  "entryId" integer NOT NULL,
  "eventId" integer NOT NULL,
  "cumulativePoints" integer NOT NULL,
  "position" integer NOT NULL,
  "computedAt" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("entryId", "eventId")
);
CREATE INDEX "StatsSeasonRace_eventId_position_idx" ON "StatsSeasonRace" ("eventId", "position");

CREATE FUNCTION kickoff_stats_season_race() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  DELETE FROM "StatsSeasonRace";
  WITH top20 AS (
    SELECT "entryId" FROM "StatsFinishedHistory" GROUP BY "entryId" ORDER BY sum(net) DESC, "entryId" LIMIT 20
  ), race AS (
    SELECT h."entryId", h."eventId", sum(h.net) OVER (PARTITION BY h."entryId" ORDER BY h."eventId")::integer AS cumulative
    FROM "StatsFinishedHistory" h
    JOIN top20 t ON t."entryId" = h."entryId"
  )
  INSERT INTO "StatsSeasonRace" ("entryId", "eventId", "cumulativePoints", "position")
  SELECT "entryId", "eventId", cumulative, rank() OVER (PARTITION BY "eventId" ORDER BY cumulative DESC)
  FROM race;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END $$;

-- ---------------------------------------------------------------------------------------
-- 10. Power ratings: 60 % recent form (last five finished gameweeks) and 40 % season
-- average, scaled so that 100 is the average entry.
CREATE TABLE "StatsPowerRating" (
  "entryId" integer PRIMARY KEY,
  "rank" integer NOT NULL,
  "rating" double precision NOT NULL,
  "recentAverage" double precision NOT NULL,
  "seasonAverage" double precision NOT NULL,
  "events" integer NOT NULL,
  "computedAt" timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX "StatsPowerRating_rank_idx" ON "StatsPowerRating" ("rank");

CREATE FUNCTION kickoff_stats_power_ratings() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  DELETE FROM "StatsPowerRating";
  WITH averages AS (
    SELECT h."entryId", count(*)::integer AS events, avg(h.net) AS season,
           -- An entry that missed the recent gameweeks is judged on its season alone.
           coalesce(avg(h.net) FILTER (WHERE r."eventId" IS NOT NULL), avg(h.net)) AS recent
    FROM "StatsFinishedHistory" h
    LEFT JOIN kickoff_recent_finished_events(5) r ON r."eventId" = h."eventId"
    GROUP BY h."entryId"
  ), weighted AS (
    SELECT *, 0.6 * recent + 0.4 * season AS raw FROM averages
  )
  INSERT INTO "StatsPowerRating" ("entryId", "rank", "rating", "recentAverage", "seasonAverage", "events")
  SELECT "entryId", rank() OVER (ORDER BY raw DESC),
         -- With no points at all yet, everyone is average.
         coalesce(round(100 * raw / nullif(avg(raw) OVER (), 0), 1), 100),
         round(recent, 2), round(season, 2), events
  FROM weighted;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END $$;
