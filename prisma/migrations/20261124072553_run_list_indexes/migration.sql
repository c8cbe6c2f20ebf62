-- DropIndex
DROP INDEX "JobRun_jobName_queuedAt_idx";

-- DropIndex
DROP INDEX "JobRun_status_queuedAt_idx";

-- DropIndex
DROP INDEX "JobRun_trigger_queuedAt_idx";

-- CreateIndex
CREATE INDEX "JobRun_jobName_queuedAt_id_idx" ON "JobRun"("jobName", "queuedAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "JobRun_status_queuedAt_id_idx" ON "JobRun"("status", "queuedAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "JobRun_trigger_queuedAt_id_idx" ON "JobRun"("trigger", "queuedAt" DESC, "id" DESC);
