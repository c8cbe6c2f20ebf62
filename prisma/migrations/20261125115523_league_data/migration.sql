-- CreateEnum
CREATE TYPE "TournamentKind" AS ENUM ('points_race', 'battle_race', 'knockout', 'cup');

-- CreateTable
CREATE TABLE "Phase" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "startEvent" INTEGER NOT NULL,
    "stopEvent" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Phase_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Team" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "shortName" TEXT NOT NULL,
    "strength" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Team_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Event" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "deadlineTime" TIMESTAMP(3) NOT NULL,
    "isPrevious" BOOLEAN NOT NULL,
    "isCurrent" BOOLEAN NOT NULL,
    "isNext" BOOLEAN NOT NULL,
    "finished" BOOLEAN NOT NULL,
    "dataChecked" BOOLEAN NOT NULL,
    "isLive" BOOLEAN NOT NULL DEFAULT false,
    "averageEntryScore" INTEGER,
    "highestScore" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Fixture" (
    "id" INTEGER NOT NULL,
    "eventId" INTEGER NOT NULL,
    "teamHId" INTEGER NOT NULL,
    "teamAId" INTEGER NOT NULL,
    "kickoffTime" TIMESTAMP(3),
    "started" BOOLEAN NOT NULL,
    "finished" BOOLEAN NOT NULL,
    "finishedProvisional" BOOLEAN NOT NULL,
    "minutes" INTEGER NOT NULL,
    "teamHScore" INTEGER,
    "teamAScore" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Fixture_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Player" (
    "id" INTEGER NOT NULL,
    "webName" TEXT NOT NULL,
    "firstName" TEXT NOT NULL,
    "secondName" TEXT NOT NULL,
    "teamId" INTEGER NOT NULL,
    "elementType" INTEGER NOT NULL,
    "nowCost" INTEGER NOT NULL,
    "totalPoints" INTEGER NOT NULL,
    "form" DOUBLE PRECISION NOT NULL,
    "selectedByPercent" DOUBLE PRECISION NOT NULL,
    "status" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Player_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlayerEventStats" (
    "playerId" INTEGER NOT NULL,
    "eventId" INTEGER NOT NULL,
    "minutes" INTEGER NOT NULL,
    "goalsScored" INTEGER NOT NULL,
    "assists" INTEGER NOT NULL,
    "cleanSheets" INTEGER NOT NULL,
    "bonus" INTEGER NOT NULL,
    "totalPoints" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PlayerEventStats_pkey" PRIMARY KEY ("playerId","eventId")
);

-- CreateTable
CREATE TABLE "Entry" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "playerName" TEXT NOT NULL,
    "startedEvent" INTEGER NOT NULL,
    "summaryOverallPoints" INTEGER NOT NULL,
    "summaryOverallRank" INTEGER,
    "summaryEventPoints" INTEGER,
    "tracked" BOOLEAN NOT NULL DEFAULT false,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "lastFetchedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Entry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EntryEventHistory" (
    "entryId" INTEGER NOT NULL,
    "eventId" INTEGER NOT NULL,
    "points" INTEGER NOT NULL,
    "totalPoints" INTEGER NOT NULL,
    "rank" INTEGER,
    "overallRank" INTEGER,
    "eventTransfers" INTEGER NOT NULL,
    "eventTransfersCost" INTEGER NOT NULL,
    "value" INTEGER NOT NULL,
    "bank" INTEGER NOT NULL,
    "pointsOnBench" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EntryEventHistory_pkey" PRIMARY KEY ("entryId","eventId")
);

-- CreateTable
CREATE TABLE "League" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "League_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LeagueStanding" (
    "leagueId" INTEGER NOT NULL,
    "entryId" INTEGER NOT NULL,
    "rank" INTEGER NOT NULL,
    "lastRank" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "eventTotal" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LeagueStanding_pkey" PRIMARY KEY ("leagueId","entryId")
);

-- CreateTable
CREATE TABLE "Tournament" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "leagueId" INTEGER NOT NULL,
    "kind" "TournamentKind" NOT NULL,
    "startEvent" INTEGER NOT NULL,
    "endEvent" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Tournament_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TournamentStanding" (
    "tournamentId" TEXT NOT NULL,
    "entryId" INTEGER NOT NULL,
    "rank" INTEGER NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "played" INTEGER NOT NULL DEFAULT 0,
    "won" INTEGER NOT NULL DEFAULT 0,
    "drawn" INTEGER NOT NULL DEFAULT 0,
    "lost" INTEGER NOT NULL DEFAULT 0,
    "eliminated" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TournamentStanding_pkey" PRIMARY KEY ("tournamentId","entryId")
);

-- CreateTable
CREATE TABLE "TournamentResult" (
    "id" TEXT NOT NULL,
    "tournamentId" TEXT NOT NULL,
    "eventId" INTEGER NOT NULL,
    "round" INTEGER NOT NULL,
    "homeEntryId" INTEGER NOT NULL,
    "awayEntryId" INTEGER,
    "homePoints" INTEGER,
    "awayPoints" INTEGER,
    "winnerEntryId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TournamentResult_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Fixture_eventId_idx" ON "Fixture"("eventId");

-- CreateIndex
CREATE INDEX "Player_teamId_idx" ON "Player"("teamId");

-- CreateIndex
CREATE INDEX "PlayerEventStats_eventId_idx" ON "PlayerEventStats"("eventId");

-- CreateIndex
CREATE INDEX "EntryEventHistory_eventId_idx" ON "EntryEventHistory"("eventId");

-- CreateIndex
CREATE INDEX "LeagueStanding_leagueId_rank_idx" ON "LeagueStanding"("leagueId", "rank");

-- CreateIndex
CREATE INDEX "Tournament_leagueId_idx" ON "Tournament"("leagueId");

-- CreateIndex
CREATE INDEX "TournamentStanding_tournamentId_rank_idx" ON "TournamentStanding"("tournamentId", "rank");

-- CreateIndex
CREATE INDEX "TournamentResult_eventId_idx" ON "TournamentResult"("eventId");

-- CreateIndex
CREATE UNIQUE INDEX "TournamentResult_tournamentId_eventId_homeEntryId_key" ON "TournamentResult"("tournamentId", "eventId", "homeEntryId");

-- AddForeignKey
ALTER TABLE "Fixture" ADD CONSTRAINT "Fixture_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Fixture" ADD CONSTRAINT "Fixture_teamHId_fkey" FOREIGN KEY ("teamHId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Fixture" ADD CONSTRAINT "Fixture_teamAId_fkey" FOREIGN KEY ("teamAId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Player" ADD CONSTRAINT "Player_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlayerEventStats" ADD CONSTRAINT "PlayerEventStats_playerId_fkey" FOREIGN KEY ("playerId") REFERENCES "Player"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlayerEventStats" ADD CONSTRAINT "PlayerEventStats_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EntryEventHistory" ADD CONSTRAINT "EntryEventHistory_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "Entry"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EntryEventHistory" ADD CONSTRAINT "EntryEventHistory_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LeagueStanding" ADD CONSTRAINT "LeagueStanding_leagueId_fkey" FOREIGN KEY ("leagueId") REFERENCES "League"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LeagueStanding" ADD CONSTRAINT "LeagueStanding_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "Entry"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Tournament" ADD CONSTRAINT "Tournament_leagueId_fkey" FOREIGN KEY ("leagueId") REFERENCES "League"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TournamentStanding" ADD CONSTRAINT "TournamentStanding_tournamentId_fkey" FOREIGN KEY ("tournamentId") REFERENCES "Tournament"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TournamentStanding" ADD CONSTRAINT "TournamentStanding_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "Entry"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TournamentResult" ADD CONSTRAINT "TournamentResult_tournamentId_fkey" FOREIGN KEY ("tournamentId") REFERENCES "Tournament"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TournamentResult" ADD CONSTRAINT "TournamentResult_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TournamentResult" ADD CONSTRAINT "TournamentResult_homeEntryId_fkey" FOREIGN KEY ("homeEntryId") REFERENCES "Entry"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TournamentResult" ADD CONSTRAINT "TournamentResult_awayEntryId_fkey" FOREIGN KEY ("awayEntryId") REFERENCES "Entry"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TournamentResult" ADD CONSTRAINT "TournamentResult_winnerEntryId_fkey" FOREIGN KEY ("winnerEntryId") REFERENCES "Entry"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Announce the league changes jobs react to on the channel `kickoff_league`:
--   Event (insert, update): isCurrent, isLive, finished, dataChecked, deadlineTime
--   Fixture (update):       started, finished, finishedProvisional
-- Payload: {"table", "id", "eventId", "changes": {"<field>": {"old": …, "new": …}}}; on an
-- insert every watched field is in `changes` with "old": null. Timestamps are ISO 8601 in UTC
-- with a trailing Z (Prisma stores DateTime as UTC in timestamp(3) columns). An update that
-- changes none of the watched fields sends nothing. Like any NOTIFY, it is delivered when the
-- transaction commits, and identical payloads within a transaction arrive once.
CREATE FUNCTION kickoff_notify_league_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  watched text[];
  field text;
  old_row jsonb;
  new_row jsonb := to_jsonb(NEW);
  old_value jsonb;
  new_value jsonb;
  changes jsonb := '{}'::jsonb;
  event_id integer;
BEGIN
  IF TG_TABLE_NAME = 'Event' THEN
    watched := ARRAY['isCurrent', 'isLive', 'finished', 'dataChecked', 'deadlineTime'];
    event_id := NEW.id;
  ELSE
    watched := ARRAY['started', 'finished', 'finishedProvisional'];
    event_id := NEW."eventId";
  END IF;
  IF TG_OP = 'UPDATE' THEN
    old_row := to_jsonb(OLD);
  END IF;
  FOREACH field IN ARRAY watched LOOP
    old_value := old_row -> field;
    new_value := new_row -> field;
    IF TG_OP = 'INSERT' OR old_value IS DISTINCT FROM new_value THEN
      IF field = 'deadlineTime' THEN
        old_value := CASE WHEN old_value IS NULL OR old_value = 'null'::jsonb THEN old_value ELSE to_jsonb((old_value #>> '{}') || 'Z') END;
        new_value := CASE WHEN new_value IS NULL OR new_value = 'null'::jsonb THEN new_value ELSE to_jsonb((new_value #>> '{}') || 'Z') END;
      END IF;
      changes := changes || jsonb_build_object(field, jsonb_build_object('old', old_value, 'new', new_value));
    END IF;
  END LOOP;
  IF changes <> '{}'::jsonb THEN
    PERFORM pg_notify('kickoff_league', json_build_object('table', TG_TABLE_NAME, 'id', NEW.id, 'eventId', event_id, 'changes', changes)::text);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER kickoff_notify_event_change AFTER INSERT OR UPDATE ON "Event"
  FOR EACH ROW EXECUTE FUNCTION kickoff_notify_league_change();
CREATE TRIGGER kickoff_notify_fixture_change AFTER UPDATE ON "Fixture"
  FOR EACH ROW EXECUTE FUNCTION kickoff_notify_league_change();
