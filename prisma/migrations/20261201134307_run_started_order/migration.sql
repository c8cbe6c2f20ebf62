-- AlterTable
ALTER TABLE "JobRun" ADD COLUMN     "replayOf" TEXT,
-- Hand-written: Prisma cannot declare a generated column. The Runs table orders by the time it
-- shows ("Started": startedAt, or queuedAt while a run has not started), so the order is a column
-- the indexes below can serve, kept by PostgreSQL itself and never written by Kickoff.
ADD COLUMN     "startedOrQueuedAt" TIMESTAMP(3) GENERATED ALWAYS AS (COALESCE("startedAt", "queuedAt")) STORED;

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "timeZone" TEXT;

-- A run page's "replayed by" links.
CREATE INDEX "JobRun_replayOf_idx" ON "JobRun"("replayOf");

-- GET /api/runs default order (sort=-started), unfiltered, and its cursor pages.
CREATE INDEX "JobRun_startedOrQueuedAt_id_idx" ON "JobRun"("startedOrQueuedAt" DESC, "id" DESC);

-- GET /api/runs?job=… (the Runs table of one job, the job page).
CREATE INDEX "JobRun_jobName_startedOrQueuedAt_id_idx" ON "JobRun"("jobName", "startedOrQueuedAt" DESC, "id" DESC);

-- GET /api/runs?status=… (e.g. the failed runs to retry).
CREATE INDEX "JobRun_status_startedOrQueuedAt_id_idx" ON "JobRun"("status", "startedOrQueuedAt" DESC, "id" DESC);
