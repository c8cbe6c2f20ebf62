import { afterAll, describe, expect, it } from 'vitest';
import { db } from '../db.ts';
import { createPgPool } from '../pg-pool.ts';

const pool = createPgPool(process.env.DATABASE_URL!);
afterAll(async () => {
  await pool.end();
  await db().$disconnect();
});

async function rollup(jobName: string) {
  const rows = await db().runHourlyCount.findMany({ where: { jobName, runs: { not: 0 } } });
  return Object.fromEntries(rows.map((row) => [`${row.hour.toISOString()} ${row.status}`, row.runs]));
}

async function actual(jobName: string) {
  const rows = await db().$queryRaw<{ hour: Date; status: string; runs: bigint }[]>`
    SELECT date_trunc('hour', "queuedAt") AS hour, status::text AS status, count(*) AS runs FROM "JobRun" WHERE "jobName" = ${jobName} GROUP BY 1, 2`;
  return Object.fromEntries(rows.map((row) => [`${row.hour.toISOString()} ${row.status}`, Number(row.runs)]));
}

describe('RunHourlyCount', () => {
  it('follows inserts, status changes (also through upserts) and deletes of runs', async () => {
    const jobName = `rollup-${Date.now()}`;
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
    await db().jobRun.createMany({
      data: Array.from({ length: 30 }, (_, index) => ({ id: `${jobName}-${index}`, jobName, status: 'queued' as const, trigger: 'api' as const, queuedAt: hoursAgo(index % 3) })),
    });
    expect(await rollup(jobName)).toEqual(await actual(jobName));
    await db().jobRun.updateMany({ where: { jobName, id: { endsWith: '1' } }, data: { status: 'running' } });
    await db().jobRun.updateMany({ where: { jobName, status: 'running' }, data: { status: 'completed' } });
    await db().jobRun.updateMany({ where: { jobName, status: 'completed' }, data: { progress: 100 } }); // no status change
    // the status writer's upsert: some rows inserted, some updated, in one statement
    await pool.query(
      `INSERT INTO "JobRun" (id, "jobName", status, trigger, "queuedAt", "updatedAt")
       SELECT id, $1, 'failed', 'api', now(), now() FROM unnest($2::text[]) AS id
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status`,
      [jobName, [`${jobName}-2`, `${jobName}-5`, `${jobName}-new-1`, `${jobName}-new-2`]],
    );
    expect(await rollup(jobName)).toEqual(await actual(jobName));
    await db().jobRun.deleteMany({ where: { jobName, status: 'queued' } });
    expect(await rollup(jobName)).toEqual(await actual(jobName));
    expect(Object.values(await rollup(jobName)).reduce((sum, runs) => sum + runs, 0)).toBe(await db().jobRun.count({ where: { jobName } }));
  });
});
