-- CreateTable
CREATE TABLE "EntryAnalysis" (
    "entryId" INTEGER NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "verdict" TEXT NOT NULL,
    "signals" JSONB NOT NULL DEFAULT '{}',
    "eventsAnalyzed" INTEGER NOT NULL,
    "analyzedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "recheckedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EntryAnalysis_pkey" PRIMARY KEY ("entryId")
);

-- CreateTable
CREATE TABLE "PrizePool" (
    "id" TEXT NOT NULL,
    "leagueId" INTEGER NOT NULL,
    "period" TEXT NOT NULL,
    "periodStart" DATE NOT NULL,
    "status" TEXT NOT NULL,
    "winnerEntryId" INTEGER,
    "winnerPoints" INTEGER,
    "entries" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "finalisedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PrizePool_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "EntryAnalysis_verdict_idx" ON "EntryAnalysis"("verdict");

-- CreateIndex
CREATE UNIQUE INDEX "PrizePool_leagueId_period_periodStart_key" ON "PrizePool"("leagueId", "period", "periodStart");

-- AddForeignKey
ALTER TABLE "EntryAnalysis" ADD CONSTRAINT "EntryAnalysis_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "Entry"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrizePool" ADD CONSTRAINT "PrizePool_leagueId_fkey" FOREIGN KEY ("leagueId") REFERENCES "League"("id") ON DELETE CASCADE ON UPDATE CASCADE;
