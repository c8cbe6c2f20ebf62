import { db } from '@/lib/db.ts';

/**
 * Stage-setting for tests and the benchmark: run rows written straight into the table (the
 * run store owns every write the product makes; these set a scene). Rows `seed-1`…`seed-N`,
 * one per second back from now, spread over eight jobs, statuses and triggers.
 */
export async function seedRuns(rows: number): Promise<void> {
  for (let start = 0; start < rows; start += 250_000) {
    const end = Math.min(rows, start + 250_000);
    await db().$executeRawUnsafe(`
      INSERT INTO "JobRun" (id, "jobName", status, trigger, source, actor, payload, priority, "queuedAt", "startedAt", "finishedAt",
        "durationMs", attempt, "maxAttempts", attempts, counters, "updatedAt")
      SELECT 'seed-' || g,
        (ARRAY['probe','bootstrap-meta','entry-updates','stats-update','cleanup','picks-processing','event-live-update','cup-update'])[1 + g % 8],
        (ARRAY['completed','completed','completed','completed','failed','skipped','completed','cancelled'])[1 + (g / 8) % 8]::"RunStatus",
        (ARRAY['schedule','schedule','manual','api','dependency'])[1 + g % 5]::"RunTrigger",
        'seed', 'bench', jsonb_build_object('matchId', g % 5000), 'medium',
        now() - make_interval(secs => g), now() - make_interval(secs => g) + interval '10 ms',
        now() - make_interval(secs => g) + interval '1 second', 990, 1, 3, '[]'::jsonb, '{}'::jsonb, now()
      FROM generate_series(${start + 1}, ${end}) AS g`);
  }
  await db().$executeRawUnsafe('ANALYZE "JobRun"');
}

/** Removes every run of a job (between benchmark rounds). */
export async function deleteRunsOf(jobName: string): Promise<void> {
  await db().jobRun.deleteMany({ where: { jobName } });
}
