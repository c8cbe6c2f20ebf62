-- CreateTable
CREATE TABLE "EntryRank" (
    "id" SERIAL NOT NULL,
    "entryId" INTEGER NOT NULL,
    "overallRank" INTEGER,
    "overallPoints" INTEGER NOT NULL,
    "eventPoints" INTEGER,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EntryRank_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TournamentStandingArchive" (
    "tournamentId" TEXT NOT NULL,
    "entryId" INTEGER NOT NULL,
    "rank" INTEGER NOT NULL,
    "points" INTEGER NOT NULL,
    "played" INTEGER NOT NULL,
    "won" INTEGER NOT NULL,
    "drawn" INTEGER NOT NULL,
    "lost" INTEGER NOT NULL,
    "eliminated" BOOLEAN NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "archivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TournamentStandingArchive_pkey" PRIMARY KEY ("tournamentId","entryId")
);

-- CreateIndex
CREATE INDEX "EntryRank_entryId_recordedAt_idx" ON "EntryRank"("entryId", "recordedAt" DESC);

-- AddForeignKey
ALTER TABLE "EntryRank" ADD CONSTRAINT "EntryRank_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "Entry"("id") ON DELETE CASCADE ON UPDATE CASCADE;
