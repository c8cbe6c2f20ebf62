-- CreateTable
CREATE TABLE "RunTotal" (
    "jobName" TEXT NOT NULL,
    "status" "RunStatus" NOT NULL,
    "trigger" "RunTrigger" NOT NULL,
    "runs" BIGINT NOT NULL,

    CONSTRAINT "RunTotal_pkey" PRIMARY KEY ("jobName","status","trigger")
);

-- CreateTable
CREATE TABLE "RunDurationBucket" (
    "jobName" TEXT NOT NULL,
    "le" DOUBLE PRECISION NOT NULL,
    "runs" BIGINT NOT NULL,
    "durationMs" BIGINT NOT NULL,

    CONSTRAINT "RunDurationBucket_pkey" PRIMARY KEY ("jobName","le")
);

-- CreateTable
CREATE TABLE "AlertDeliveryTotal" (
    "channel" TEXT NOT NULL,
    "result" TEXT NOT NULL,
    "attempts" BIGINT NOT NULL,

    CONSTRAINT "AlertDeliveryTotal_pkey" PRIMARY KEY ("channel","result")
);

-- Upper bounds (ms) of the run duration histogram's buckets, 50 ms to 1 h. lib/metrics/run-duration-buckets.ts
-- holds the same list in seconds (a test compares them). Changing it needs a new migration that
-- rebuilds "RunDurationBucket", since counts already in a bucket cannot be split.
CREATE FUNCTION kickoff_run_duration_bounds_ms() RETURNS int[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT '{50,100,250,500,1000,2500,5000,10000,30000,60000,120000,300000,600000,1800000,3600000}'::int[] $$;

-- The bucket (its upper bound in seconds) a duration falls in: the first bound >= the duration,
-- Infinity past the last. width_bucket counts the bounds <= its operand, so duration - 1 (the
-- durations are whole milliseconds) makes a bound equal to the duration its own bucket.
CREATE FUNCTION kickoff_run_duration_le(duration_ms int) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT COALESCE((kickoff_run_duration_bounds_ms())[width_bucket(duration_ms - 1, kickoff_run_duration_bounds_ms()) + 1]::float8 / 1000, 'Infinity') $$;

-- Count each run once, in the statement that makes it final: an INSERT of a final row (a run
-- that started and finished inside one flush of the status writer) or an UPDATE from an
-- active to a final status. One aggregate write per table and statement, however many rows
-- the statement touched (the status writer writes hundreds of runs per statement); keys in a
-- fixed order so concurrent writers lock counter rows in the same order. There is no DELETE
-- trigger: retention removes runs, never what they counted.
CREATE FUNCTION kickoff_total_runs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Most statements move runs between active states only: skip them at the cost of one scan.
  IF NOT EXISTS (SELECT 1 FROM new_rows WHERE status IN ('completed', 'failed', 'cancelled', 'skipped')) THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    WITH finished AS (
      SELECT n."jobName", n.status, n.trigger, n."durationMs" FROM new_rows n
      WHERE n.status IN ('completed', 'failed', 'cancelled', 'skipped')
    ), totals AS (
      INSERT INTO "RunTotal" AS t ("jobName", status, trigger, runs)
      SELECT "jobName", status, trigger, count(*) FROM finished GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT ("jobName", status, trigger) DO UPDATE SET runs = t.runs + EXCLUDED.runs
    )
    INSERT INTO "RunDurationBucket" AS b ("jobName", le, runs, "durationMs")
    SELECT "jobName", kickoff_run_duration_le("durationMs"), count(*), sum("durationMs") FROM finished
    WHERE status = 'completed' AND "durationMs" IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ("jobName", le) DO UPDATE SET runs = b.runs + EXCLUDED.runs, "durationMs" = b."durationMs" + EXCLUDED."durationMs";
  ELSE
    -- The same for rows that were active before the statement (a final row never counts twice).
    WITH finished AS (
      SELECT n."jobName", n.status, n.trigger, n."durationMs" FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE n.status IN ('completed', 'failed', 'cancelled', 'skipped') AND o.status IN ('queued', 'running', 'retrying')
    ), totals AS (
      INSERT INTO "RunTotal" AS t ("jobName", status, trigger, runs)
      SELECT "jobName", status, trigger, count(*) FROM finished GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT ("jobName", status, trigger) DO UPDATE SET runs = t.runs + EXCLUDED.runs
    )
    INSERT INTO "RunDurationBucket" AS b ("jobName", le, runs, "durationMs")
    SELECT "jobName", kickoff_run_duration_le("durationMs"), count(*), sum("durationMs") FROM finished
    WHERE status = 'completed' AND "durationMs" IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ("jobName", le) DO UPDATE SET runs = b.runs + EXCLUDED.runs, "durationMs" = b."durationMs" + EXCLUDED."durationMs";
  END IF;
  RETURN NULL;
END $$;

-- Alert messages: a try that went out (sentAt set) counts `sent`, one that failed (attempts up,
-- still unsent) counts `error`. Deliveries are few; the same statement-level shape as above.
CREATE FUNCTION kickoff_total_alert_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "AlertDeliveryTotal" AS t (channel, result, attempts)
  SELECT COALESCE(n.channel->>'type', 'unknown'), CASE WHEN n."sentAt" IS NOT NULL THEN 'sent' ELSE 'error' END, sum(n.attempts - o.attempts)
  FROM new_rows n JOIN old_rows o ON o.id = n.id
  WHERE n.attempts > o.attempts AND o."sentAt" IS NULL
  GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (channel, result) DO UPDATE SET attempts = t.attempts + EXCLUDED.attempts;
  RETURN NULL;
END $$;

-- Triggers and the count of what is already there in one statement, with writers held off
-- meanwhile, so no run is counted twice or missed while the migration runs.
DO $$
BEGIN
  LOCK TABLE "JobRun", "AlertDelivery" IN SHARE ROW EXCLUSIVE MODE;
  CREATE TRIGGER kickoff_total_runs_insert AFTER INSERT ON "JobRun" REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kickoff_total_runs();
  CREATE TRIGGER kickoff_total_runs_update AFTER UPDATE ON "JobRun" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kickoff_total_runs();
  CREATE TRIGGER kickoff_total_alert_deliveries AFTER UPDATE ON "AlertDelivery" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kickoff_total_alert_deliveries();

  INSERT INTO "RunTotal" ("jobName", status, trigger, runs)
  SELECT "jobName", status, trigger, count(*) FROM "JobRun" WHERE status IN ('completed', 'failed', 'cancelled', 'skipped') GROUP BY 1, 2, 3;
  INSERT INTO "RunDurationBucket" ("jobName", le, runs, "durationMs")
  SELECT "jobName", kickoff_run_duration_le("durationMs"), count(*), sum("durationMs") FROM "JobRun"
  WHERE status = 'completed' AND "durationMs" IS NOT NULL GROUP BY 1, 2;
  INSERT INTO "AlertDeliveryTotal" (channel, result, attempts)
  SELECT COALESCE(channel->>'type', 'unknown'), 'sent', count(*) FROM "AlertDelivery" WHERE "sentAt" IS NOT NULL GROUP BY 1;
  INSERT INTO "AlertDeliveryTotal" AS t (channel, result, attempts)
  SELECT COALESCE(channel->>'type', 'unknown'), 'error', sum(attempts - CASE WHEN "sentAt" IS NOT NULL THEN 1 ELSE 0 END) FROM "AlertDelivery" GROUP BY 1
  HAVING sum(attempts - CASE WHEN "sentAt" IS NOT NULL THEN 1 ELSE 0 END) > 0;
END $$;
