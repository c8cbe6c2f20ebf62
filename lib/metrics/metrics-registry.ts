import { Counter, Gauge, Registry } from 'prom-client';
import { upstreamLatencyBuckets, type LeagueMetricsSnapshot } from './league-metrics.ts';
import type { LeagueTiming } from './league-timing.ts';
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
  /** What the workers counted in Redis (NOTIFYs, the runs they caused, rollbacks, upstream latency) and the rate-limit budgets. */
  league?: LeagueMetricsSnapshot;
  /** From the league tables, at `leagueMetricsNow()`. */
  timing?: LeagueTiming;
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
  // Without the league pack's figures (KICKOFF_PACKS off: none were read) there are no league metrics.
  if (snapshot.league) leagueMetrics(snapshot, registers);
  return registry;
}

/** The league pack's database-trigger, timing and hybrid metrics (lib/metrics/league-metrics.ts, league-timing.ts). */
function leagueMetrics(snapshot: MetricsSnapshot, registers: Registry[]): void {
  const league = snapshot.league;
  const notifications = new Counter({
    name: 'kickoff_league_notifications_total',
    help: 'League changes the database announced (NOTIFY kickoff_league), by kind (event-live, event-finished, fixture-started, fixture-finished, event-changed, fixture-changed, unreadable); each counted once however many workers listen.',
    labelNames: ['kind'] as const,
    registers,
  });
  for (const row of league?.notifications ?? []) notifications.inc({ kind: row.kind }, row.notifications);

  const notificationRuns = new Counter({
    name: 'kickoff_league_notification_runs_total',
    help: 'Runs the league NOTIFYs asked for, by kind of change, job and outcome: queued (a new run), coalesced (one follow-up waits for the running one), failed (the pipeline could not be reached). Runs refused as repeats of an earlier request are not counted.',
    labelNames: ['kind', 'job_name', 'outcome'] as const,
    registers,
  });
  for (const row of league?.notificationRuns ?? []) notificationRuns.inc({ kind: row.kind, job_name: row.jobName, outcome: row.outcome }, row.runs);

  const timing = snapshot.timing;
  new Gauge({ name: 'kickoff_league_match_window_open', help: 'Whether a match is in play (kicked off, not finished): 1 while the live jobs have work, else 0.', registers }).set(timing?.matchWindowOpen ? 1 : 0);
  // Labelled by gameweek so that, with nothing scheduled, there is no sample rather than a misleading 0.
  const nextFixture = new Gauge({ name: 'kickoff_league_next_fixture_seconds', help: 'Seconds until the next kick-off of a match not started yet, by its gameweek; no sample when none is scheduled.', labelNames: ['gameweek'] as const, registers });
  if (timing?.nextFixture) nextFixture.set({ gameweek: String(timing.nextFixture.gameweek) }, timing.nextFixture.seconds);
  const nextDeadline = new Gauge({ name: 'kickoff_league_next_deadline_seconds', help: 'Seconds until the next gameweek deadline, by gameweek; no sample after the last one.', labelNames: ['gameweek'] as const, registers });
  if (timing?.nextDeadline) nextDeadline.set({ gameweek: String(timing.nextDeadline.gameweek) }, timing.nextDeadline.seconds);

  const latency = new RolledUpHistogram({
    name: 'kickoff_upstream_request_duration_seconds',
    help: 'How long requests to the league upstream took (answered or not), by route, from every process.',
    labelNames: ['route'] as const,
    buckets: upstreamLatencyBuckets,
    registers,
  });
  for (const row of league?.upstreamLatency ?? []) latency.add({ route: row.route }, row.le, row.requests, row.seconds);

  const remaining = new Gauge({
    name: 'kickoff_rate_limit_remaining',
    help: 'Calls a shared rate limit (ctx.batch, all workers) still allows in its window at its current rate; 0 while an upstream retry-after pauses it.',
    labelNames: ['limiter'] as const,
    registers,
  });
  const reset = new Gauge({
    name: 'kickoff_rate_limit_reset_seconds',
    help: 'Seconds until a spent shared rate limit allows a call again (the pause left, or the oldest call leaving the window); 0 while calls remain.',
    labelNames: ['limiter'] as const,
    registers,
  });
  for (const row of league?.rateLimits ?? []) {
    remaining.set({ limiter: row.limiter }, row.remaining);
    reset.set({ limiter: row.limiter }, row.resetSeconds);
  }

  const rollbacks = new Counter({
    name: 'kickoff_league_rollbacks_total',
    help: 'League integration writes rolled back, by step: tables (the meta and live jobs writing gameweeks, fixtures, players), standings (the hybrid jobs writing a league\'s standings).',
    labelNames: ['step'] as const,
    registers,
  });
  for (const step of ['tables', 'standings']) rollbacks.inc({ step }, 0);
  for (const row of league?.rollbacks ?? []) rollbacks.inc({ step: row.step }, row.rollbacks);
}
