import { afterAll, describe, expect, it } from 'vitest';
import { db } from '../db.ts';
import { runDurationBuckets } from '../metrics/run-duration-buckets.ts';
import { createPgPool } from '../pg-pool.ts';

const pool = createPgPool(process.env.DATABASE_URL!);
afterAll(async () => {
  await pool.end();
  await db().$disconnect();
});

const finalStatuses = ['completed', 'failed', 'cancelled', 'skipped'];

async function totals(jobName: string) {
  const rows = await db().runTotal.findMany({ where: { jobName } });
  return Object.fromEntries(rows.map((row) => [`${row.status} ${row.trigger}`, Number(row.runs)]));
}

async function finalRuns(jobName: string) {
  const rows = await db().$queryRaw<{ status: string; trigger: string; runs: bigint }[]>`
    SELECT status::text AS status, trigger::text AS trigger, count(*) AS runs FROM "JobRun"
    WHERE "jobName" = ${jobName} AND status::text = ANY(${finalStatuses}) GROUP BY 1, 2`;
  return Object.fromEntries(rows.map((row) => [`${row.status} ${row.trigger}`, Number(row.runs)]));
}

async function buckets(jobName: string) {
  const rows = await db().runDurationBucket.findMany({ where: { jobName }, orderBy: { le: 'asc' } });
  return rows.map((row) => ({ le: row.le, runs: Number(row.runs), durationMs: Number(row.durationMs) }));
}

/** The status writer's statement shape: one upsert inserting some runs and moving others, guarded so a final row never changes. */
async function upsertRuns(rows: { id: string; jobName: string; status: string; trigger?: string; durationMs?: number; hoursAgo?: number }[]) {
  await pool.query(
    `INSERT INTO "JobRun" AS r (id, "jobName", status, trigger, "queuedAt", "durationMs", "updatedAt")
     SELECT t.id, t."jobName", t.status::"RunStatus", t.trigger::"RunTrigger", now() - make_interval(hours => t."hoursAgo"), t."durationMs", now()
     FROM jsonb_to_recordset($1::jsonb) AS t(id text, "jobName" text, status text, trigger text, "durationMs" int, "hoursAgo" int)
     ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, "durationMs" = EXCLUDED."durationMs", "updatedAt" = now()
     WHERE r.status NOT IN ('completed', 'failed', 'cancelled', 'skipped')`,
    [JSON.stringify(rows.map((row) => ({ trigger: 'api', hoursAgo: 0, ...row })))],
  );
}

describe('RunTotal and RunDurationBucket', () => {
  it('count each run once when it becomes final, by insert or update, and keep their counts when runs are deleted', async () => {
    const jobName = `totals-${Date.now()}`;
    const id = (index: number) => `${jobName}-${index}`;
    // Queued over three hours: the roll-up folds per job, not per hour.
    await upsertRuns(Array.from({ length: 12 }, (_, index) => ({ id: id(index), jobName, status: 'queued', trigger: index % 2 ? 'api' : 'schedule', hoursAgo: index % 3 })));
    expect(await totals(jobName)).toEqual({});

    await upsertRuns([
      { id: id(0), jobName, status: 'running' },
      { id: id(1), jobName, status: 'completed', durationMs: 40 },
      { id: id(2), jobName, status: 'failed', durationMs: 10 },
      { id: id(3), jobName, status: 'completed', durationMs: 2_000 },
      { id: id(100), jobName, status: 'completed', trigger: 'schedule', durationMs: 50 }, // inserted final: start and finish in one flush
      { id: id(101), jobName, status: 'skipped', trigger: 'schedule' },
    ]);
    await db().jobRun.updateMany({ where: { jobName, id: { in: [id(4), id(5)] } }, data: { status: 'cancelled' } });
    await db().jobRun.updateMany({ where: { jobName, id: id(0) }, data: { status: 'completed', durationMs: 3_600_001 } });
    expect(await totals(jobName)).toEqual(await finalRuns(jobName));
    expect(await totals(jobName)).toEqual({ 'completed api': 2, 'completed schedule': 2, 'failed schedule': 1, 'cancelled schedule': 1, 'cancelled api': 1, 'skipped schedule': 1 });

    // Writes to final rows count nothing: a late upsert (refused by the guard), a progress update, even a status edit.
    await upsertRuns([{ id: id(1), jobName, status: 'failed', durationMs: 5 }]);
    await db().jobRun.updateMany({ where: { jobName, status: { in: ['completed', 'failed', 'cancelled', 'skipped'] } }, data: { progress: 100 } });
    await db().jobRun.updateMany({ where: { jobName, id: id(2) }, data: { status: 'completed', durationMs: 1 } });
    const before = await totals(jobName);
    expect(before).toEqual({ 'completed api': 2, 'completed schedule': 2, 'failed schedule': 1, 'cancelled schedule': 1, 'cancelled api': 1, 'skipped schedule': 1 });
    // Durations of completed runs, in the bucket whose bound is the first >= the duration.
    expect(await buckets(jobName)).toEqual([
      { le: 0.05, runs: 2, durationMs: 90 },
      { le: 2.5, runs: 1, durationMs: 2_000 },
      { le: Infinity, runs: 1, durationMs: 3_600_001 },
    ]);

    // Retention: cleanup's statement shape (a batch of finished runs by id) lowers nothing.
    const histogram = await buckets(jobName);
    await db().$executeRaw`DELETE FROM "JobRun" WHERE id IN (SELECT id FROM "JobRun" WHERE "jobName" = ${jobName} AND status IN ('completed', 'failed', 'cancelled', 'skipped'))`;
    await db().jobRun.deleteMany({ where: { jobName } });
    expect(await db().jobRun.count({ where: { jobName } })).toBe(0);
    expect(await totals(jobName)).toEqual(before);
    expect(await buckets(jobName)).toEqual(histogram);
    // One row per job, status and trigger however many hours the runs span.
    expect(await db().runTotal.count({ where: { jobName } })).toBe(Object.keys(before).length);
  });

  it('buckets at the bounds the metrics render', async () => {
    const [row] = await db().$queryRaw<{ bounds: number[] }[]>`SELECT kickoff_run_duration_bounds_ms() AS bounds`;
    expect(row!.bounds.map((ms) => ms / 1_000)).toEqual([...runDurationBuckets]);
    const edges = await db().$queryRaw<{ ms: number; le: number }[]>`
      SELECT ms, kickoff_run_duration_le(ms) AS le FROM unnest(ARRAY[0, 50, 51, 1000, 1001, 3600000, 3600001]) AS ms ORDER BY ms`;
    expect(edges.map((edge) => [edge.ms, edge.le])).toEqual([[0, 0.05], [50, 0.05], [51, 0.1], [1000, 1], [1001, 2.5], [3_600_000, 3600], [3_600_001, Infinity]]);
  });
});

describe('AlertDeliveryTotal', () => {
  it('counts each try (sent or error) as the delivery changes, and keeps the count when the alert is deleted', async () => {
    const channel = `test-${Date.now()}`;
    const count = async () => Object.fromEntries((await db().alertDeliveryTotal.findMany({ where: { channel } })).map((row) => [row.result, Number(row.attempts)]));
    const alert = await db().alert.create({
      data: { ruleId: 'totals-rule', subject: 'probe', severity: 'warning', title: 't', message: 'm', deliveries: { create: [{ channel: { type: channel } }, { channel: { type: channel } }] } },
      include: { deliveries: true },
    });
    const ids = alert.deliveries.map((delivery) => delivery.id);
    // The alert engine's writes: a failed try on both, then one sent.
    await db().alertDelivery.updateMany({ where: { id: { in: ids } }, data: { attempts: { increment: 1 }, lastError: 'refused' } });
    await db().alertDelivery.updateMany({ where: { id: ids[0] }, data: { sentAt: new Date(), attempts: { increment: 1 }, lastError: null } });
    await db().alertDelivery.updateMany({ where: { id: ids[0] }, data: { externalId: '42' } }); // an edit after sending is no try
    expect(await count()).toEqual({ error: 2, sent: 1 });
    await db().alert.delete({ where: { id: alert.id } });
    expect(await count()).toEqual({ error: 2, sent: 1 });
  });
});
