-- DropIndex
DROP INDEX "JobRun_requestId_idx";

-- DropIndex
DROP INDEX "JobRun_retryOf_idx";

-- DropIndex
DROP INDEX "JobRun_causedBy_idx";

-- DropIndex
DROP INDEX "JobRun_updatedAt_idx";

-- DropIndex
DROP INDEX "JobRun_jobName_requestId_key";

-- Each index below is partial: a row enters it only while its predicate holds, so the common
-- run (no requestId, not a retry, not caused by another) adds no entry, and each status change
-- adds one to only one of the two updatedAt indexes. The predicates test NULL, not status:
-- Prisma sends a status as a cast parameter, which the planner cannot prove a predicate from.
-- Named by the query each serves.

-- Idempotency of a trigger with a requestId (lib/runs/create-runs.ts: the earlier run for
-- (jobName, requestId); the run store's insert skips a duplicate by this constraint).
CREATE UNIQUE INDEX "JobRun_jobName_requestId_key" ON "JobRun"("jobName", "requestId") WHERE "requestId" IS NOT NULL;

-- GET /api/runs?q=<requestId> (lib/data/runs.ts: id or requestId).
CREATE INDEX "JobRun_requestId_idx" ON "JobRun"("requestId") WHERE "requestId" IS NOT NULL;

-- A run's page: the runs that retried it, the runs it caused (lib/data/runs.ts getRun).
CREATE INDEX "JobRun_retryOf_idx" ON "JobRun"("retryOf") WHERE "retryOf" IS NOT NULL;
CREATE INDEX "JobRun_causedBy_idx" ON "JobRun"("causedBy") WHERE "causedBy" IS NOT NULL;

-- The alert engine: finished runs since its cursor (lib/alerts/alert-engine.ts, with
-- "finishedAt" IS NOT NULL), the error-rate condition (lib/alerts/alert-conditions.ts).
CREATE INDEX "JobRun_finished_updatedAt_idx" ON "JobRun"("updatedAt") WHERE "finishedAt" IS NOT NULL;

-- The reconciler: unfinished runs not changed since a time, in (updatedAt, id) pages
-- (worker/reconciler.ts, with "finishedAt" IS NULL: queued, running and retrying runs).
CREATE INDEX "JobRun_unfinished_updatedAt_id_idx" ON "JobRun"("updatedAt", "id") WHERE "finishedAt" IS NULL;
