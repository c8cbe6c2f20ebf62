-- CreateTable
CREATE TABLE "RunHourlyCount" (
    "hour" TIMESTAMP(3) NOT NULL,
    "jobName" TEXT NOT NULL,
    "status" "RunStatus" NOT NULL,
    "runs" INTEGER NOT NULL,

    CONSTRAINT "RunHourlyCount_pkey" PRIMARY KEY ("hour","jobName","status")
);

-- CreateIndex
CREATE INDEX "JobRun_jobName_status_queuedAt_id_idx" ON "JobRun"("jobName", "status", "queuedAt" DESC, "id" DESC);

-- Keep "RunHourlyCount" in step with "JobRun": one aggregate write per statement, however
-- many rows it touched (the status writer updates hundreds of runs per statement). Keys are
-- written in a fixed order so concurrent writers lock bucket rows in the same order.
CREATE FUNCTION kickoff_count_runs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "RunHourlyCount" (hour, "jobName", status, runs)
    SELECT date_trunc('hour', n."queuedAt"), n."jobName", n.status, count(*)::int FROM new_rows n GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (hour, "jobName", status) DO UPDATE SET runs = "RunHourlyCount".runs + EXCLUDED.runs;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO "RunHourlyCount" (hour, "jobName", status, runs)
    SELECT hour, "jobName", status, sum(delta)::int FROM (
      SELECT date_trunc('hour', n."queuedAt") AS hour, n."jobName", n.status, 1 AS delta
        FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE o.status <> n.status
      UNION ALL
      SELECT date_trunc('hour', o."queuedAt"), o."jobName", o.status, -1
        FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.status <> n.status
    ) changes GROUP BY 1, 2, 3 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (hour, "jobName", status) DO UPDATE SET runs = "RunHourlyCount".runs + EXCLUDED.runs;
  ELSE
    INSERT INTO "RunHourlyCount" (hour, "jobName", status, runs)
    SELECT date_trunc('hour', o."queuedAt"), o."jobName", o.status, -count(*)::int FROM old_rows o GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (hour, "jobName", status) DO UPDATE SET runs = "RunHourlyCount".runs + EXCLUDED.runs;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER kickoff_count_runs_insert AFTER INSERT ON "JobRun" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION kickoff_count_runs();
CREATE TRIGGER kickoff_count_runs_update AFTER UPDATE ON "JobRun" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION kickoff_count_runs();
CREATE TRIGGER kickoff_count_runs_delete AFTER DELETE ON "JobRun" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION kickoff_count_runs();

-- Count the runs already there.
INSERT INTO "RunHourlyCount" (hour, "jobName", status, runs)
SELECT date_trunc('hour', "queuedAt"), "jobName", status, count(*)::int FROM "JobRun" GROUP BY 1, 2, 3;
