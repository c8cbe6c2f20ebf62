import { db } from '../db.ts';
import { categoryNames } from '../jobs/categories.ts';
import { maxDeliveryAttempts } from '../alerts/alert-messages.ts';
import { readCacheStats } from '../cache/two-level-cache.ts';
import { queues } from '../queue/queues.ts';
import { redis } from '../redis.ts';

/** Upper bounds (seconds) of the run duration histogram's buckets. */
const durationBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (pairs: Record<string, string>) => `{${Object.entries(pairs).map(([key, value]) => `${key}="${escapeLabel(value)}"`).join(',')}}`;

/**
 * Kickoff's state in Prometheus text format: runs by job and status, run durations by job
 * (last 24 h), queue depths, alerts and their deliveries, cache hits and misses, and workers online.
 */
export async function renderMetrics(): Promise<string> {
  const [runs, durations, workers, queueCounts, deliveries, alerts, cache] = await Promise.all([
    db().$queryRaw<{ jobName: string; status: string; runs: bigint }[]>`
      SELECT "jobName", status::text AS status, sum(runs) AS runs FROM "RunHourlyCount" GROUP BY 1, 2 HAVING sum(runs) > 0`,
    db().$queryRaw<{ jobName: string; le: number; count: bigint; sum: number; total: bigint }[]>`
      SELECT "jobName", bucket.le, count(*) FILTER (WHERE "durationMs" <= bucket.le * 1000) AS count,
        sum("durationMs") / 1000.0 AS sum, count(*) AS total
      FROM "JobRun" CROSS JOIN unnest(${durationBuckets}::float8[]) AS bucket(le)
      WHERE status = 'completed' AND "durationMs" IS NOT NULL AND "queuedAt" > now() - interval '24 hours'
      GROUP BY 1, 2 ORDER BY 1, 2`,
    db().workerHeartbeat.count({ where: { stoppedAt: null, lastSeenAt: { gte: new Date(Date.now() - 15_000) } } }),
    Promise.all(categoryNames.map(async (category) => ({ category, counts: await queues().for(category).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed') }))),
    db().$queryRaw<{ channel: string; state: string; deliveries: bigint }[]>`
      SELECT channel->>'type' AS channel,
        CASE WHEN "sentAt" IS NOT NULL THEN 'sent' WHEN attempts >= ${maxDeliveryAttempts} THEN 'failed' WHEN "lastError" IS NOT NULL THEN 'retrying' ELSE 'pending' END AS state,
        count(*) AS deliveries
      FROM "AlertDelivery" GROUP BY 1, 2`,
    db().alert.groupBy({ by: ['status', 'severity'], _count: { _all: true } }),
    readCacheStats(redis()),
  ]);

  const lines: string[] = [];
  lines.push('# HELP kickoff_runs Runs recorded in PostgreSQL (within retention), by job and current status.', '# TYPE kickoff_runs gauge');
  for (const row of runs) lines.push(`kickoff_runs${labels({ job: row.jobName, status: row.status })} ${Number(row.runs)}`);

  lines.push('# HELP kickoff_run_duration_seconds Durations of runs completed in the last 24 hours, by job.', '# TYPE kickoff_run_duration_seconds histogram');
  const byJob = new Map<string, typeof durations>();
  for (const row of durations) byJob.set(row.jobName, [...(byJob.get(row.jobName) ?? []), row]);
  for (const [job, rows] of byJob) {
    for (const row of rows) lines.push(`kickoff_run_duration_seconds_bucket${labels({ job, le: String(row.le) })} ${Number(row.count)}`);
    lines.push(`kickoff_run_duration_seconds_bucket${labels({ job, le: '+Inf' })} ${Number(rows[0]!.total)}`);
    lines.push(`kickoff_run_duration_seconds_sum${labels({ job })} ${Number(rows[0]!.sum)}`);
    lines.push(`kickoff_run_duration_seconds_count${labels({ job })} ${Number(rows[0]!.total)}`);
  }

  lines.push('# HELP kickoff_queue_jobs Jobs in each category queue, by state.', '# TYPE kickoff_queue_jobs gauge');
  for (const { category, counts } of queueCounts) {
    lines.push(`kickoff_queue_jobs${labels({ queue: category, state: 'waiting' })} ${(counts.waiting ?? 0) + (counts.prioritized ?? 0)}`);
    for (const state of ['active', 'delayed', 'failed'] as const) lines.push(`kickoff_queue_jobs${labels({ queue: category, state })} ${counts[state] ?? 0}`);
  }
  lines.push('# HELP kickoff_alert_deliveries Alert messages by channel and state (sent, retrying, pending, failed = given up).', '# TYPE kickoff_alert_deliveries gauge');
  for (const row of deliveries) lines.push(`kickoff_alert_deliveries${labels({ channel: row.channel ?? 'unknown', state: row.state })} ${Number(row.deliveries)}`);
  lines.push('# HELP kickoff_alerts Alerts by status and severity.', '# TYPE kickoff_alerts gauge');
  for (const row of alerts) lines.push(`kickoff_alerts${labels({ status: row.status, severity: row.severity })} ${row._count._all}`);
  lines.push('# HELP kickoff_cache_lookups_total Two-level cache lookups by key family and result, all processes.', '# TYPE kickoff_cache_lookups_total counter');
  for (const [family, totals] of Object.entries(cache)) {
    lines.push(`kickoff_cache_lookups_total${labels({ family, result: 'hit' })} ${totals.hits}`, `kickoff_cache_lookups_total${labels({ family, result: 'miss' })} ${totals.misses}`);
  }
  lines.push('# HELP kickoff_workers_online Workers that sent a heartbeat in the last 15 seconds.', '# TYPE kickoff_workers_online gauge', `kickoff_workers_online ${workers}`);
  return `${lines.join('\n')}\n`;
}
