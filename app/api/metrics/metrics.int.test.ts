/**
 * GET /api/metrics read by a Prometheus text parser, on a database of its own (the cleanup
 * job here deletes every old finished run): real runs through a worker, then the retention
 * cleanup, and the counters before and after.
 */
import { getMetricsFromIterator, type PromData, type PromHistogramData, type PromMetrics } from 'prom2javascript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { askForRun, askForRunInDashboard } from '@/scripts/test/ask-for-run.ts';
import { startInProcessWorker, stopInProcessWorker } from '@/scripts/test/in-process-worker.ts';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { db } from '@/lib/db.ts';
import { runDurationBuckets } from '@/lib/metrics/run-duration-buckets.ts';
import { probeHandler } from '@/worker/jobs/diagnostics/probe.ts';
import { cleanupHandler } from '@/worker/jobs/maintenance/cleanup.ts';
import type { StartedWorker } from '@/worker/start-worker.ts';
import { GET } from './route.ts';

const prefix = useOwnQueuePrefix('metrics-api');
await useOwnDatabase('metrics_api');

let runner: StartedWorker;
let viewer: string;
beforeAll(async () => {
  viewer = await createTestApiKey('viewer');
  runner = await startInProcessWorker(prefix, [probeHandler, cleanupHandler]);
});
afterAll(() => stopInProcessWorker(runner));

const scrape = () => GET(apiRequest('/api/metrics', viewer), routeParams({}));
const parse = (text: string): Promise<PromMetrics> => getMetricsFromIterator(text.split('\n')[Symbol.iterator]());
const metrics = async () => parse(await (await scrape()).text());

const samples = (families: PromMetrics, name: string) => (families[name]?.data ?? []) as PromData[];
const sample = (families: PromMetrics, name: string, labels: Record<string, string> = {}) =>
  samples(families, name).find((item) => Object.entries(labels).every(([key, value]) => item.labels[key] === value) && Object.keys(item.labels).length === Object.keys(labels).length)?.value;
const histogram = (families: PromMetrics, name: string, labels: Record<string, string>) =>
  ((families[name]?.data ?? []) as PromHistogramData[]).find((item) => Object.entries(labels).every(([key, value]) => item.labels[key] === value));

async function runToTheEnd(jobName: string, payload: Record<string, unknown>, trigger: 'api' | 'manual' = 'api') {
  const { run } = await (trigger === 'manual' ? askForRunInDashboard(jobName, { payload }) : askForRun(jobName, { payload }));
  return waitFor(async () => {
    const row = await db().jobRun.findUniqueOrThrow({ where: { id: run.id } });
    return row.status === 'completed' || row.status === 'failed' ? row : undefined;
  }, 20_000, `${jobName} run ${run.id} to finish`);
}

/** Every counter sample and every histogram bucket, sum and count, by series. */
function cumulativeSeries(families: PromMetrics): Map<string, number> {
  const series = new Map<string, number>();
  const key = (name: string, labels: Record<string, string>) => `${name}${JSON.stringify(Object.entries(labels).sort())}`;
  for (const [name, family] of Object.entries(families)) {
    if (family.type === 'counter') for (const item of family.data as PromData[]) series.set(key(name, item.labels), item.value);
    if (family.type === 'histogram') {
      for (const item of family.data as PromHistogramData[]) {
        for (const [le, value] of Object.entries(item.buckets)) series.set(key(`${name}_bucket`, { ...item.labels, le }), value);
        series.set(key(`${name}_sum`, item.labels), item.sum ?? NaN);
        series.set(key(`${name}_count`, item.labels), item.count);
      }
    }
  }
  return series;
}

describe('GET /api/metrics', () => {
  it('is Prometheus text: no job label, every _total a counter, consistent histograms, and the runs counted once each', async () => {
    await Promise.all([
      runToTheEnd('probe', { sleepMs: 0 }),
      runToTheEnd('probe', { sleepMs: 0 }),
      runToTheEnd('probe', { sleepMs: 300 }),
      runToTheEnd('probe', { fail: true }),
    ]);
    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = await parse(await response.text());

    expect(Object.keys(families).length).toBeGreaterThan(5);
    for (const [name, family] of Object.entries(families)) {
      expect(['counter', 'gauge', 'histogram'], `${name} has a TYPE`).toContain(family.type);
      expect(family.help, `${name} has a HELP`).not.toBe('');
      expect(name.endsWith('_total'), `${name}: counters and only counters end in _total`).toBe(family.type === 'counter');
      for (const item of family.data) expect(Object.keys(item.labels), `${name} has no job label`).not.toContain('job');
      if (family.type !== 'histogram') continue;
      for (const item of family.data as PromHistogramData[]) {
        // By bound (an object's integer-like keys come first, whatever the text's order).
        const byBound = Object.entries(item.buckets).map(([le, count]) => [le === '+Inf' ? Infinity : Number(le), count] as const).sort(([a], [b]) => a - b);
        expect(byBound.map(([le]) => le)).toEqual([...runDurationBuckets, Infinity]);
        const counts = byBound.map(([, count]) => count);
        expect(counts, `${name} buckets only grow`).toEqual([...counts].sort((a, b) => a - b));
        expect(item.buckets['+Inf'], `${name} +Inf bucket is the count`).toBe(item.count);
      }
    }

    expect(sample(families, 'kickoff_runs_total', { job_name: 'probe', status: 'completed', trigger: 'api' })).toBe(3);
    expect(sample(families, 'kickoff_runs_total', { job_name: 'probe', status: 'failed', trigger: 'api' })).toBe(1);
    const durations = histogram(families, 'kickoff_run_duration_seconds', { job_name: 'probe' })!;
    expect(durations.count).toBe(3); // completed runs only
    expect(durations.sum).toBeGreaterThanOrEqual(0.3); // the 300 ms run
    expect(durations.buckets['0.25']).toBeLessThanOrEqual(2);
    expect(sample(families, 'kickoff_runs_running', { job_name: 'probe' })).toBe(0);
    expect(sample(families, 'kickoff_queue_jobs', { queue: 'diagnostics', state: 'waiting' })).toBe(0);
    expect(sample(families, 'kickoff_cache_lookups_total', { family: 'live', result: 'miss' })).toBe(0);
  });

  it('shows workers, unresolved alerts and unsent deliveries as they are now', async () => {
    const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1_000);
    await db().workerHeartbeat.createMany({
      data: [
        { id: 'w-live', host: 'a', pid: 1, lastSeenAt: secondsAgo(1) },
        { id: 'w-silent', host: 'b', pid: 2, startedAt: secondsAgo(600), lastSeenAt: secondsAgo(60) },
        { id: 'w-replaced', host: 'a', pid: 3, startedAt: secondsAgo(600), lastSeenAt: secondsAgo(120) }, // w-live started after it went quiet
        { id: 'w-stopped', host: 'c', pid: 4, lastSeenAt: secondsAgo(60), stoppedAt: secondsAgo(60) },
        { id: 'w-long-gone', host: 'd', pid: 5, lastSeenAt: secondsAgo(2 * 86_400) },
      ],
    });
    await db().alert.create({
      data: { ruleId: 'r', subject: 'probe', severity: 'critical', title: 't', message: 'm', deliveries: { create: [{ channel: { type: 'webhook', url: 'http://x.test' }, attempts: 8, lastError: 'refused' }, { channel: { type: 'telegram', chatId: '1' } }] } },
    });
    await db().alert.createMany({
      data: [
        // One active alert per rule and subject (a unique index): the acknowledged one is another subject's.
        { ruleId: 'r', subject: 'probe-2', severity: 'warning', title: 't', message: 'm', status: 'acknowledged' },
        { ruleId: 'r', subject: 'probe', severity: 'warning', title: 't', message: 'm', status: 'resolved' },
      ],
    });
    const families = await metrics();
    expect(sample(families, 'kickoff_workers_online')).toBe(1);
    expect(sample(families, 'kickoff_workers_offline')).toBe(1);
    expect(sample(families, 'kickoff_alerts_active', { status: 'open', severity: 'critical' })).toBe(1);
    expect(sample(families, 'kickoff_alerts_active', { status: 'acknowledged', severity: 'warning' })).toBe(1);
    expect(sample(families, 'kickoff_alerts_active', { status: 'open', severity: 'warning' })).toBe(0);
    expect(samples(families, 'kickoff_alerts_active').some((item) => item.labels.status === 'resolved')).toBe(false);
    expect(sample(families, 'kickoff_alert_deliveries', { channel: 'webhook', state: 'failed' })).toBe(1);
    expect(sample(families, 'kickoff_alert_deliveries', { channel: 'telegram', state: 'pending' })).toBe(1);
  });

  it('keeps every counter and histogram series (none goes down) when the retention cleanup deletes the runs', async () => {
    const before = cumulativeSeries(await metrics());
    expect([...before.keys()].some((key) => key.startsWith('kickoff_runs_total'))).toBe(true);
    // Age the probe runs past retention (30 days) and let the real cleanup job remove them.
    const aged = await db().jobRun.updateMany({ where: { jobName: 'probe' }, data: { queuedAt: new Date(Date.now() - 40 * 86_400_000) } });
    expect(aged.count).toBe(4);
    const cleanup = await runToTheEnd('cleanup', {}, 'manual');
    expect(cleanup.status).toBe('completed');
    expect(cleanup.result).toMatchObject({ deleted: { runs: 4 } });
    expect(await db().jobRun.count({ where: { jobName: 'probe' } })).toBe(0);

    const after = cumulativeSeries(await metrics());
    for (const [series, value] of before) {
      expect(after.get(series), series).toBeGreaterThanOrEqual(value);
      if (series.includes('"probe"')) expect(after.get(series), series).toBe(value);
    }
    expect(sample(await metrics(), 'kickoff_runs_total', { job_name: 'cleanup', status: 'completed', trigger: 'manual' })).toBe(1);
  });
});
