-- Per-entry season aggregates over EntryEventHistory, for the history pages. Written by hand:
-- Prisma does not model this view (it ignores views it does not know). The
-- historical-stats-refresh job refreshes it CONCURRENTLY (readers are never blocked), which
-- needs the unique index on "entryId".
CREATE MATERIALIZED VIEW "EntrySeasonStats" AS
SELECT
  "entryId",
  count(*) AS events,
  sum(points) AS points,
  max(points) AS "bestEvent",
  round(avg(points), 1) AS "averagePoints",
  min("overallRank") AS "bestOverallRank"
FROM "EntryEventHistory"
GROUP BY "entryId";

CREATE UNIQUE INDEX "EntrySeasonStats_entryId_key" ON "EntrySeasonStats" ("entryId");
