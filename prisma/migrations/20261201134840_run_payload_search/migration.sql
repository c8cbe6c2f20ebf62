-- Serves the payload search of GET /api/runs?q=key=value (lib/data/runs.ts: payload @> {"key": value}).
-- CreateIndex
CREATE INDEX "JobRun_payload_idx" ON "JobRun" USING GIN ("payload" jsonb_path_ops);
