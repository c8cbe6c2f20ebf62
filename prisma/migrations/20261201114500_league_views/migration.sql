-- Real-time views over the league tables (computed on every read, no refresh; Prisma does not
-- model them). The League pages read them through the cache: league_event_stats under
-- `analytics:event:{id}:stats`, tournament_standings under `tournament:{id}:standings`; the jobs
-- that change the rows they read drop those keys. Each subquery filters on an indexed column
-- ("eventId", "tournamentId"), so reading one gameweek or one tournament stays cheap.

-- One row per gameweek: its matches, goals and the players who played (what the live jobs write).
CREATE VIEW league_event_stats AS
SELECT
  e.id AS "eventId",
  e.name,
  e."deadlineTime",
  e."isLive",
  e.finished,
  coalesce(f.fixtures, 0) AS fixtures,
  coalesce(f.started, 0) AS "fixturesStarted",
  coalesce(f.done, 0) AS "fixturesFinished",
  coalesce(f.goals, 0) AS goals,
  coalesce(p.played, 0) AS "playersPlayed",
  p.top AS "topPlayerPoints"
FROM "Event" e
LEFT JOIN LATERAL (
  SELECT count(*)::int AS fixtures,
         (count(*) FILTER (WHERE fx.started))::int AS started,
         (count(*) FILTER (WHERE fx.finished OR fx."finishedProvisional"))::int AS done,
         coalesce(sum(coalesce(fx."teamHScore", 0) + coalesce(fx."teamAScore", 0)), 0)::int AS goals
  FROM "Fixture" fx WHERE fx."eventId" = e.id
) f ON true
LEFT JOIN LATERAL (
  SELECT (count(*) FILTER (WHERE s.minutes > 0))::int AS played, max(s."totalPoints") AS top
  FROM "PlayerEventStats" s WHERE s."eventId" = e.id
) p ON true;

-- One row per tournament standing, with the tournament and the entry's names.
CREATE VIEW tournament_standings AS
SELECT
  s."tournamentId",
  t.name AS "tournamentName",
  t.kind::text AS kind,
  t."leagueId",
  t.status,
  s."entryId",
  en.name AS "entryName",
  en."playerName",
  s.rank,
  s.points,
  s.played,
  s.won,
  s.drawn,
  s.lost,
  s.eliminated,
  CASE WHEN s.played > 0 THEN round(100.0 * s.won / s.played, 1)::float8 END AS "winPercent"
FROM "TournamentStanding" s
JOIN "Tournament" t ON t.id = s."tournamentId"
JOIN "Entry" en ON en.id = s."entryId";
