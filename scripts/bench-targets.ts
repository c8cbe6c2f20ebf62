/**
 * The Letletme specification's timing targets (000, Implementation Guidelines §7: meta jobs
 * under 5 s of processing, live updates under 2 s of latency, cache reads under 10 ms),
 * measured on this machine for `npm run bench`: the league jobs on a Kickoff worker (the
 * production assembly) against the upstream simulator on loopback (its full season: 600
 * players, 380 fixtures, 5 000 entries), and the two-level cache on the same Redis. Import it
 * after DATABASE_URL and QUEUE_PREFIX point at the benchmark's own database and prefix.
 */
import { TwoLevelCache } from '../lib/cache/two-level-cache.ts';
import { db } from '../lib/db.ts';
import { UpstreamClient } from '../lib/league/upstream-client.ts';
import { LeagueClock } from '../lib/league/league-clock.ts';
import { createRedis } from '../lib/redis.ts';
import { bootstrapMetaHandler } from '../worker/jobs/league/bootstrap-meta.ts';
import { eventLiveUpdateHandler } from '../worker/jobs/league/event-live-update.ts';
import { closeLeagueServices, useLeagueServices } from '../worker/jobs/league/league-services.ts';
import { startWorker } from '../worker/start-worker.ts';
import { askForRun } from './test/ask-for-run.ts';
import { waitFor } from './test/wait-for.ts';
import { createUpstreamServer } from './upstream/server.ts';

type Line = (label: string, value: string) => void;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const seconds = (ms: number) => `${(ms / 1_000).toFixed(2)} s`;
const millis = (ms: number) => `${ms < 1 ? ms.toFixed(3) : ms.toFixed(1)} ms`;
const verdict = (measured: number, target: number) => (measured < target ? 'within' : 'MISSED');

/** Runs `job` as an API client would and waits for it; returns the run row. */
async function runToEnd(job: string) {
  const { run } = await askForRun(job);
  const done = await waitFor(async () => {
    const row = await db().jobRun.findUnique({ where: { id: run.id } });
    return row && ['completed', 'failed', 'skipped'].includes(row.status) ? row : undefined;
  }, 120_000, `${job} to end`);
  if (done.status !== 'completed') throw new Error(`${job} ${done.status}: ${done.error}`);
  return done;
}

export async function measureTargets(line: Line, options: { liveRuns?: number; cacheReads?: number } = {}): Promise<void> {
  const liveRuns = options.liveRuns ?? 10;
  const cacheReads = options.cacheReads ?? 2_000;
  const upstream = createUpstreamServer({ speed: 0 });
  const baseUrl = `http://127.0.0.1:${await upstream.listen(0)}`;
  const admin = async (body: unknown) => {
    const response = await fetch(`${baseUrl}/admin/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`simulator clock: ${response.status}`);
  };
  const cache = new TwoLevelCache({ redis: createRedis('worker') });
  await cache.start();
  useLeagueServices({ upstream: () => new UpstreamClient({ baseUrl }), cache, clock: new LeagueClock({ baseUrl }) });
  const worker = await startWorker({
    handlers: [bootstrapMetaHandler, eventLiveUpdateHandler],
    syncCatalog: false,
    bootstrapAccess: false,
    schedulers: false,
    heartbeat: false,
    reconciler: false,
    alerts: false,
    league: false,
  });
  console.log('\nLetletme timing targets (000, Implementation Guidelines §7), against the upstream simulator on loopback');
  try {
    // Meta: bootstrap-meta's whole sync, first into empty tables, then after each of three gameweeks finished.
    await admin({ toEvent: 1, phase: 'before-deadline' });
    const cold = (await runToEnd('bootstrap-meta')).durationMs ?? NaN;
    const warm: number[] = [];
    for (const event of [1, 2, 3]) {
      await admin({ toEvent: event, phase: 'finished' });
      warm.push((await runToEnd('bootstrap-meta')).durationMs ?? NaN);
    }
    const metaWorst = Math.max(cold, ...warm);
    line('meta sync < 5 s (bootstrap-meta run)', `${verdict(metaWorst, 5_000)}: into empty tables ${seconds(cold)}; after a gameweek, p50 ${seconds(percentile(warm, 50))}, max ${seconds(Math.max(...warm))}`);

    // Live: event-live-update while gameweek 4 is live, the clock 7 minutes on each time; trigger to done.
    await admin({ toEvent: 4, phase: 'live' });
    await runToEnd('bootstrap-meta');
    const latencies: number[] = [];
    const durations: number[] = [];
    for (let i = 0; i < liveRuns; i += 1) {
      await admin({ advanceMinutes: 7 });
      const run = await runToEnd('event-live-update');
      latencies.push(run.finishedAt!.getTime() - run.queuedAt.getTime());
      durations.push(run.durationMs ?? NaN);
    }
    line(
      'live update < 2 s (event-live-update)',
      `${verdict(percentile(latencies, 95), 2_000)}: trigger to done p50 ${seconds(percentile(latencies, 50))}, p95 ${seconds(percentile(latencies, 95))} (run alone p50 ${seconds(percentile(durations, 50))}; ${liveRuns} runs)`,
    );

    // Cache: reads of a live match's row, from this process's memory and (another process's view) from Redis.
    const rows = await db().fixture.findMany({ take: 100, orderBy: { id: 'asc' } });
    const keys = rows.map((row) => `live:match:${row.id}`);
    for (const [index, key] of keys.entries()) await cache.set(key, rows[index]);
    const readAll = async (reader: TwoLevelCache) => {
      const times: number[] = [];
      for (let i = 0; i < cacheReads; i += 1) {
        const began = performance.now();
        const value = await reader.get(keys[i % keys.length]!);
        times.push(performance.now() - began);
        if (value === undefined) throw new Error('cache read missed');
      }
      return times;
    };
    const local = await readAll(cache);
    const elsewhere = new TwoLevelCache({ redis: createRedis('worker'), localTtlMs: 0 });
    await elsewhere.start();
    const fromRedis = await readAll(elsewhere);
    await elsewhere.close();
    const describeReads = (times: number[]) => `p50 ${millis(percentile(times, 50))}, p99 ${millis(percentile(times, 99))}, max ${millis(Math.max(...times))}`;
    line('cache read < 10 ms (memory level)', `${verdict(percentile(local, 99), 10)}: ${describeReads(local)} (${cacheReads} reads)`);
    line('cache read < 10 ms (Redis level)', `${verdict(percentile(fromRedis, 99), 10)}: ${describeReads(fromRedis)} (${cacheReads} reads)`);
  } finally {
    await worker.stop(5_000);
    await closeLeagueServices();
    await upstream.close();
  }
}
