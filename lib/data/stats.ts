import { db } from '../db.ts';
import { categoryNames } from '../jobs/categories.ts';
import { queues } from '../queue/queues.ts';
import { isFinal, type RunStatus } from '../jobs/run-state.ts';
import { windowMs, type StatsQuery } from '../validations/stats.ts';

export interface StatsDto {
  window: StatsQuery['window'];
  since: string;
  totals: { runs: number; completed: number; failed: number; skipped: number; cancelled: number; successRate: number | null };
  now: { running: number; waiting: number };
  /** Completed and failed runs per hour, oldest first. */
  perHour: { hour: string; completed: number; failed: number }[];
  queues: { category: string; waiting: number; active: number; delayed: number; failed: number; paused: boolean }[];
  workers: { id: string; host: string; pid: number; activeRuns: number; cpuPercent: number; rssBytes: number; lastSeenAt: string; online: boolean }[];
  slowestJobs: { jobName: string; p95DurationMs: number; runs: number }[];
  /** The latest runs of any job, newest first (x402's `recentExecutions`); `success` is null while a run has not ended. */
  recentExecutions: { runId: string; jobName: string; status: RunStatus; queuedAt: string; startedAt: string | null; finishedAt: string | null; durationMs: number | null; success: boolean | null }[];
}

/** How many runs `recentExecutions` lists. */
export const recentExecutionCount = 10;

/** Workers not heard from for this long count as offline. */
const onlineWithinMs = 15_000;

/** Totals, the hourly chart, queue depths and workers, for the overview and `GET /api/stats`. */
export async function getStats(query: StatsQuery): Promise<StatsDto> {
  const since = new Date(Date.now() - windowMs[query.window]);
  const [byHour, active, slowest, workers, queueCounts, recent] = await Promise.all([
    db().$queryRaw<{ hour: Date; status: RunStatus; count: bigint }[]>`
      SELECT hour, status::text AS status, sum(runs) AS count
      FROM "RunHourlyCount" WHERE hour >= date_trunc('hour', ${since}::timestamp) AND runs <> 0
      GROUP BY 1, 2`,
    db().$queryRaw<{ status: RunStatus; count: bigint }[]>`
      SELECT status::text AS status, count(*) AS count FROM "JobRun"
      WHERE status IN ('queued', 'running', 'retrying') GROUP BY 1`,
    // p95 over each job's last 200 completed runs in the window: an index range per job.
    db().$queryRaw<{ jobName: string; p95: number; runs: bigint }[]>`
      SELECT jobs."jobName", percentile_cont(0.95) WITHIN GROUP (ORDER BY recent."durationMs") AS p95, count(*) AS runs
      FROM (SELECT DISTINCT "jobName" FROM "RunHourlyCount" WHERE hour >= date_trunc('hour', ${since}::timestamp) AND status = 'completed' AND runs > 0) jobs
      CROSS JOIN LATERAL (
        SELECT "durationMs" FROM "JobRun"
        WHERE "jobName" = jobs."jobName" AND status = 'completed' AND "queuedAt" >= ${since}
        ORDER BY "queuedAt" DESC, id DESC LIMIT 200
      ) recent
      GROUP BY 1 ORDER BY 2 DESC NULLS LAST LIMIT 5`,
    db().workerHeartbeat.findMany({ where: { stoppedAt: null, lastSeenAt: { gte: new Date(Date.now() - 24 * 3_600_000) } }, orderBy: { lastSeenAt: 'desc' }, take: 50 }),
    Promise.all(
      categoryNames.map(async (category) => {
        const queue = queues().for(category);
        const [counts, paused] = await Promise.all([queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'), queue.isPaused()]);
        return {
          category,
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          failed: counts.failed ?? 0,
          paused,
        };
      }),
    ),
    // The run list's own index (queuedAt, id): the newest few rows.
    db().jobRun.findMany({
      orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }],
      take: recentExecutionCount,
      select: { id: true, jobName: true, status: true, queuedAt: true, startedAt: true, finishedAt: true, durationMs: true },
    }),
  ]);

  const count = (status: RunStatus) => byHour.filter((row) => row.status === status).reduce((sum, row) => sum + Number(row.count), 0);
  const completed = count('completed');
  const failed = count('failed');
  const hours = new Map<number, { completed: number; failed: number }>();
  const firstHour = Math.floor(since.getTime() / 3_600_000) * 3_600_000;
  for (let at = firstHour; at <= Date.now(); at += 3_600_000) hours.set(at, { completed: 0, failed: 0 });
  for (const row of byHour) {
    const slot = hours.get(row.hour.getTime());
    if (slot && (row.status === 'completed' || row.status === 'failed')) slot[row.status] += Number(row.count);
  }
  const activeCount = (status: RunStatus) => Number(active.find((row) => row.status === status)?.count ?? 0);
  return {
    window: query.window,
    since: since.toISOString(),
    totals: {
      runs: byHour.reduce((sum, row) => sum + Number(row.count), 0),
      completed,
      failed,
      skipped: count('skipped'),
      cancelled: count('cancelled'),
      successRate: completed + failed > 0 ? completed / (completed + failed) : null,
    },
    now: { running: activeCount('running'), waiting: activeCount('queued') + activeCount('retrying') },
    perHour: query.window === '7d' ? [] : [...hours].map(([at, slot]) => ({ hour: new Date(at).toISOString(), ...slot })),
    queues: queueCounts,
    workers: workers.map((worker) => ({
      id: worker.id,
      host: worker.host,
      pid: worker.pid,
      activeRuns: worker.activeRuns,
      cpuPercent: worker.cpuPercent,
      rssBytes: Number(worker.rssBytes),
      lastSeenAt: worker.lastSeenAt.toISOString(),
      online: Date.now() - worker.lastSeenAt.getTime() < onlineWithinMs,
    })),
    slowestJobs: slowest.map((row) => ({ jobName: row.jobName, p95DurationMs: Math.round(Number(row.p95)), runs: Number(row.runs) })),
    recentExecutions: recent.map((run) => ({
      runId: run.id,
      jobName: run.jobName,
      status: run.status,
      queuedAt: run.queuedAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
      durationMs: run.durationMs,
      success: isFinal(run.status) ? run.status === 'completed' : null,
    })),
  };
}
