import { db } from '../db.ts';
import { allJobs } from '../jobs/catalog.ts';
import { categoryNames } from '../jobs/categories.ts';
import { maxDeliveryAttempts } from '../alerts/alert-messages.ts';
import { readCacheStats } from '../cache/two-level-cache.ts';
import { readLeagueMetrics } from '../metrics/league-metrics.ts';
import { readLeagueTiming } from '../metrics/league-timing.ts';
import { isPackEnabled } from '../packs.ts';
import { metricsRegistry, type MetricsSnapshot } from '../metrics/metrics-registry.ts';
import { queues } from '../queue/queues.ts';
import { redis } from '../redis.ts';

/** Workers not heard from for this long are not online (the same window as the overview's). */
const onlineWithinMs = 15_000;

/**
 * Reads what `/api/metrics` shows. Each query is bounded by the number of jobs, queues, workers
 * and open alerts, never by the number of runs: totals come from the roll-ups that statement
 * triggers keep as runs finish (`RunTotal`, `RunDurationBucket`, `AlertDeliveryTotal`, migration
 * `run_totals`), running runs from the status index.
 */
export async function readMetricsSnapshot(): Promise<MetricsSnapshot> {
  const now = Date.now();
  const [runTotals, durationBuckets, running, workers, alerts, deliveries, deliveryAttempts, queueCounts, cache, league, timing] = await Promise.all([
    db().runTotal.findMany(),
    db().runDurationBucket.findMany(),
    db().$queryRaw<{ jobName: string; runs: bigint }[]>`SELECT "jobName", count(*) AS runs FROM "JobRun" WHERE status = 'running' GROUP BY 1`,
    // Offline as the worker-offline alert sees it: silent, not stopped, not replaced on its host.
    db().$queryRaw<{ online: bigint; offline: bigint }[]>`
      SELECT count(*) FILTER (WHERE w."lastSeenAt" >= ${new Date(now - onlineWithinMs)}::timestamp) AS online,
        count(*) FILTER (WHERE w."lastSeenAt" < ${new Date(now - onlineWithinMs)}::timestamp AND NOT EXISTS (
          SELECT 1 FROM "WorkerHeartbeat" o WHERE o.host = w.host AND o."stoppedAt" IS NULL
            AND o."lastSeenAt" >= ${new Date(now - onlineWithinMs)}::timestamp AND o."startedAt" >= w."lastSeenAt")) AS offline
      FROM "WorkerHeartbeat" w WHERE w."stoppedAt" IS NULL AND w."lastSeenAt" >= ${new Date(now - 86_400_000)}::timestamp`,
    db().alert.groupBy({ by: ['status', 'severity'], where: { status: { in: ['open', 'acknowledged'] } }, _count: { _all: true } }),
    db().$queryRaw<{ channel: string | null; state: string; deliveries: bigint }[]>`
      SELECT channel->>'type' AS channel,
        CASE WHEN attempts >= ${maxDeliveryAttempts} THEN 'failed' WHEN "lastError" IS NOT NULL THEN 'retrying' ELSE 'pending' END AS state,
        count(*) AS deliveries
      FROM "AlertDelivery" WHERE "sentAt" IS NULL GROUP BY 1, 2`,
    db().alertDeliveryTotal.findMany(),
    Promise.all(categoryNames.map(async (queue) => ({ queue, counts: await queues().for(queue).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed') }))),
    readCacheStats(redis()),
    // The league pack's figures only while it is on (KICKOFF_PACKS): off, no league table is read.
    isPackEnabled('league') ? readLeagueMetrics(redis()) : undefined,
    isPackEnabled('league') ? readLeagueTiming() : undefined,
  ]);
  return {
    jobNames: allJobs().map((job) => job.name),
    runTotals: runTotals.map((row) => ({ jobName: row.jobName, status: row.status, trigger: row.trigger, runs: Number(row.runs) })),
    durationBuckets: durationBuckets.map((row) => ({ jobName: row.jobName, le: row.le, runs: Number(row.runs), durationMs: Number(row.durationMs) })),
    running: running.map((row) => ({ jobName: row.jobName, runs: Number(row.runs) })),
    queues: queueCounts.map(({ queue, counts }) => ({
      queue,
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
    })),
    workers: { online: Number(workers[0]?.online ?? 0), offline: Number(workers[0]?.offline ?? 0) },
    alerts: alerts.map((row) => ({ status: row.status, severity: row.severity, alerts: row._count._all })),
    deliveries: deliveries.map((row) => ({ channel: row.channel ?? 'unknown', state: row.state, deliveries: Number(row.deliveries) })),
    deliveryAttempts: deliveryAttempts.map((row) => ({ channel: row.channel, result: row.result, attempts: Number(row.attempts) })),
    cache,
    league,
    timing,
  };
}

/** Kickoff's metrics in Prometheus text format (0.0.4), with the content type to send. */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  const registry = metricsRegistry(await readMetricsSnapshot());
  return { body: await registry.metrics(), contentType: registry.contentType };
}
