-- CreateIndex
CREATE INDEX "JobRun_retryOf_idx" ON "JobRun"("retryOf");

-- CreateIndex
CREATE INDEX "JobRun_causedBy_idx" ON "JobRun"("causedBy");
