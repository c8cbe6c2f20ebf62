import { getMetricsFromIterator, type PromHistogramData } from 'prom2javascript';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { metricsRegistry, type MetricsSnapshot } from './metrics-registry.ts';
import { RolledUpHistogram } from './rolled-up-histogram.ts';

const snapshot: MetricsSnapshot = {
  jobNames: ['probe', 'cleanup'],
  runTotals: [{ jobName: 'probe', status: 'completed', trigger: 'api', runs: 7 }],
  durationBuckets: [
    { jobName: 'probe', le: 0.05, runs: 4, durationMs: 80 },
    { jobName: 'probe', le: 2.5, runs: 2, durationMs: 3_000 },
    { jobName: 'probe', le: Infinity, runs: 1, durationMs: 7_200_000 },
  ],
  running: [{ jobName: 'cleanup', runs: 1 }],
  queues: [{ queue: 'diagnostics', waiting: 3, active: 1, delayed: 0, failed: 2 }],
  workers: { online: 2, offline: 1 },
  alerts: [{ status: 'open', severity: 'critical', alerts: 1 }],
  deliveries: [{ channel: 'telegram', state: 'retrying', deliveries: 1 }],
  deliveryAttempts: [{ channel: 'telegram', result: 'error', attempts: 3 }],
  cache: { live: { hits: 5, misses: 1 } },
};

describe('metricsRegistry', () => {
  it('renders rolled-up buckets as a cumulative histogram with +Inf, _sum and _count', async () => {
    const text = await metricsRegistry(snapshot).metrics();
    expect(text).toContain('kickoff_run_duration_seconds_bucket{job_name="probe",le="0.05"} 4\n');
    expect(text).toContain('kickoff_run_duration_seconds_bucket{job_name="probe",le="1"} 4\n');
    expect(text).toContain('kickoff_run_duration_seconds_bucket{job_name="probe",le="2.5"} 6\n');
    expect(text).toContain('kickoff_run_duration_seconds_bucket{job_name="probe",le="3600"} 6\n');
    expect(text).toContain('kickoff_run_duration_seconds_bucket{job_name="probe",le="+Inf"} 7\n');
    expect(text).toContain('kickoff_run_duration_seconds_sum{job_name="probe"} 7203.08\n');
    expect(text).toContain('kickoff_run_duration_seconds_count{job_name="probe"} 7\n');
    const families = await getMetricsFromIterator(text.split('\n')[Symbol.iterator]());
    expect(families.kickoff_run_duration_seconds!.type).toBe('histogram');
    expect((families.kickoff_run_duration_seconds!.data as PromHistogramData[])[0]!.count).toBe(7);
  });

  it('gives every catalog job a running gauge and every active alert status and severity a series', async () => {
    const text = await metricsRegistry(snapshot).metrics();
    expect(text).toContain('kickoff_runs_running{job_name="probe"} 0\n');
    expect(text).toContain('kickoff_runs_running{job_name="cleanup"} 1\n');
    expect(text).toContain('kickoff_alerts_active{status="acknowledged",severity="info"} 0\n');
    expect(text).toContain('kickoff_alerts_active{status="open",severity="critical"} 1\n');
    expect(text).toContain('kickoff_runs_total{job_name="probe",status="completed",trigger="api"} 7\n');
    expect(text).toContain('kickoff_queue_jobs{queue="diagnostics",state="failed"} 2\n');
    expect(text).toContain('kickoff_workers_offline 1\n');
  });
});

describe('RolledUpHistogram', () => {
  it('refuses a bucket bound it was not made with, and the reserved le label', () => {
    const histogram = new RolledUpHistogram({ name: 'h_seconds', help: 'h', labelNames: ['job_name'], buckets: [1, 2], registers: [new Registry()] });
    expect(() => histogram.add({ job_name: 'a' }, 1.5, 1, 1.5)).toThrow(/not one of the bucket bounds/);
    expect(() => new RolledUpHistogram({ name: 'h2_seconds', help: 'h', labelNames: ['le'], buckets: [1], registers: [] })).toThrow(/reserved/);
  });
});
