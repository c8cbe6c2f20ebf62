import { Counter, Gauge, Registry } from 'prom-client';
import { RolledUpHistogram } from './rolled-up-histogram.ts';
import { runDurationBuckets } from './run-duration-buckets.ts';

/** What one scrape read: the roll-ups' totals and what is current, whole-system (every worker's runs). */
export interface MetricsSnapshot {
  /** Every job in the catalog, so each has a `kickoff_runs_running` series (0 when idle). */
  jobNames: readonly string[];
  runTotals: { jobName: string; status: string; trigger: string; runs: number }[];
  /** Per bucket, not cumulative; `le` is a bound of `runDurationBuckets` or Infinity. */
  durationBuckets: { jobName: string; le: number; runs: number; durationMs: number }[];
  running: { jobName: string; runs: number }[];
  queues: { queue: string; waiting: number; active: number; delayed: number; failed: number }[];
  workers: { online: number; offline: number };
  alerts: { status: string; severity: string; alerts: number }[];
  deliveries: { channel: string; state: string; deliveries: number }[];
  deliveryAttempts: { channel: string; result: string; attempts: number }[];
  cache: Record<string, { hits: number; misses: number }>;
}

const activeAlertStatuses = ['open', 'acknowledged'] as const;
const alertSeverities = ['critical', 'warning', 'info'] as const;

/**
 * The metrics of one scrape in a registry of their own (built per scrape, so concurrent
 * scrapes never share values). Counters and the histogram carry totals kept in PostgreSQL
 * and Redis as runs finish and lookups happen: they only go up, whichever web process answers.
 */
export function metricsRegistry(snapshot: MetricsSnapshot): Registry {
  const registry = new Registry();
  const registers = [registry];

  const runs = new Counter({
    name: 'kickoff_runs_total',
    help: 'Runs that finished, by job, final status (completed, failed, cancelled, skipped) and trigger. Counted once when a run becomes final; retention never lowers it.',
    labelNames: ['job_name', 'status', 'trigger'] as const,
    registers,
  });
  for (const row of snapshot.runTotals) runs.inc({ job_name: row.jobName, status: row.status, trigger: row.trigger }, row.runs);

  const durations = new RolledUpHistogram({
    name: 'kickoff_run_duration_seconds',
    help: 'How long completed runs took, from the start of their first attempt to their finish, by job.',
    labelNames: ['job_name'] as const,
    buckets: runDurationBuckets,
    registers,
  });
  for (const row of snapshot.durationBuckets) durations.add({ job_name: row.jobName }, row.le, row.runs, row.durationMs / 1_000);

  const running = new Gauge({ name: 'kickoff_runs_running', help: 'Runs executing on a worker now, by job.', labelNames: ['job_name'] as const, registers });
  for (const jobName of snapshot.jobNames) running.set({ job_name: jobName }, 0);
  for (const row of snapshot.running) running.set({ job_name: row.jobName }, row.runs);

  const queueJobs = new Gauge({
    name: 'kickoff_queue_jobs',
    help: 'Jobs in each category queue (BullMQ), by state: waiting (including prioritized), active, delayed (retry backoff, delayed triggers), failed.',
    labelNames: ['queue', 'state'] as const,
    registers,
  });
  for (const { queue, ...counts } of snapshot.queues) {
    for (const [state, jobs] of Object.entries(counts)) queueJobs.set({ queue, state }, jobs);
  }

  new Gauge({ name: 'kickoff_workers_online', help: 'Workers that sent a heartbeat in the last 15 seconds.', registers }).set(snapshot.workers.online);
  new Gauge({
    name: 'kickoff_workers_offline',
    help: 'Workers silent for more than 15 seconds in the last 24 hours without a graceful stop, and not replaced by a newer worker on their host.',
    registers,
  }).set(snapshot.workers.offline);

  const alerts = new Gauge({ name: 'kickoff_alerts_active', help: 'Alerts not resolved, by status (open, acknowledged) and severity.', labelNames: ['status', 'severity'] as const, registers });
  for (const status of activeAlertStatuses) for (const severity of alertSeverities) alerts.set({ status, severity }, 0);
  for (const row of snapshot.alerts) alerts.set({ status: row.status, severity: row.severity }, row.alerts);

  const deliveries = new Gauge({
    name: 'kickoff_alert_deliveries',
    help: 'Alert messages not sent yet, by channel and state: pending (not tried yet), retrying (a try failed), failed (given up after the last try).',
    labelNames: ['channel', 'state'] as const,
    registers,
  });
  for (const row of snapshot.deliveries) deliveries.set({ channel: row.channel, state: row.state }, row.deliveries);

  const attempts = new Counter({
    name: 'kickoff_alert_delivery_attempts_total',
    help: 'Tries to send an alert message, by channel and result (sent, error).',
    labelNames: ['channel', 'result'] as const,
    registers,
  });
  for (const row of snapshot.deliveryAttempts) attempts.inc({ channel: row.channel, result: row.result }, row.attempts);

  const cache = new Counter({
    name: 'kickoff_cache_lookups_total',
    help: 'Two-level cache lookups by key family and result (hit, miss), all processes.',
    labelNames: ['family', 'result'] as const,
    registers,
  });
  for (const [family, totals] of Object.entries(snapshot.cache)) {
    cache.inc({ family, result: 'hit' }, totals.hits);
    cache.inc({ family, result: 'miss' }, totals.misses);
  }
  return registry;
}
