/**
 * `npm run bench`: what recording every run costs, and how the read side holds up.
 *   (a) raw BullMQ: N no-op jobs added in bulk, processed with concurrency C;
 *   (b) the same through Kickoff, every run recorded in PostgreSQL;
 *   then enqueue-to-start latency at low load, the worker's peak RSS, and p50/p95 of
 *   GET /api/runs and GET /api/stats against 1 000 000 run rows.
 * Options: --jobs N (20000) --concurrency C (50) --rows R (1000000) --skip-api.
 * Everything runs on a database and Redis prefix of its own, removed at the end.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createTestDatabase, createTestPrefix, dropTestResources } from './test/test-resources.ts';

const { values: args } = parseArgs({
  options: {
    jobs: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '50' },
    rows: { type: 'string', default: '1000000' },
    'skip-api': { type: 'boolean', default: false },
  },
});
const jobCount = Number(args.jobs);
const concurrency = Number(args.concurrency);
const seedRows = Number(args.rows);

const suffix = `bench_${process.pid}_${randomBytes(2).toString('hex')}`;
const databaseUrl = await createTestDatabase(`kickoff_${suffix}`);
const queuePrefix = createTestPrefix(suffix);
process.env.DATABASE_URL = databaseUrl;
process.env.QUEUE_PREFIX = queuePrefix;
process.env.LOG_LEVEL ??= 'error';

const { allJobs } = await import('../lib/jobs/catalog.ts');
const { db } = await import('../lib/db.ts');
const { env } = await import('../lib/env.ts');
const { defaultJobOptions, queues } = await import('../lib/queue/queues.ts');
const { redis, createRedis } = await import('../lib/redis.ts');
const { enqueueRun, enqueueRuns } = await import('../lib/runs/enqueue-run.ts');
const { defineHandler } = await import('../worker/define-handler.ts');
const { syncCatalog } = await import('../worker/catalog-sync.ts');
const { Runner } = await import('../worker/runner.ts');

const { benchJob } = await import('./bench-worker.ts');
const benchHandler = defineHandler(benchJob, async () => null);

const results: Record<string, string> = {};
const line = (label: string, value: string) => {
  results[label] = value;
  console.log(`${label.padEnd(44)} ${value}`);
};
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function rawBullmq(): Promise<number> {
  const connection = new Redis(env().REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('bench-raw', { connection, prefix: queuePrefix, defaultJobOptions });
  for (let start = 0; start < jobCount; start += 1_000) {
    await queue.addBulk(Array.from({ length: Math.min(1_000, jobCount - start) }, (_, i) => ({ name: 'noop', data: { i: start + i } })));
  }
  let done = 0;
  const began = performance.now();
  const finished = new Promise<void>((resolve) => {
    const worker = new Worker('bench-raw', async () => null, { connection: new Redis(env().REDIS_URL, { maxRetriesPerRequest: null }), prefix: queuePrefix, concurrency });
    worker.on('completed', () => {
      done += 1;
      if (done === jobCount) void worker.close().then(() => resolve());
    });
  });
  await finished;
  const seconds = (performance.now() - began) / 1_000;
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  return jobCount / seconds;
}

/** The worker runs in a process of its own, so its memory is its own; the queue is paused while the runs are added. */
async function throughKickoff(): Promise<{ rate: number; peakRss: number; writes: string }> {
  const queue = queues().for('diagnostics');
  await queue.pause();
  const worker = spawn(process.execPath, [...(process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', 'scripts/bench-worker.ts'], {
    env: { ...process.env, BENCH_CONCURRENCY: String(concurrency) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: worker.stdout! });
  const output: string[] = [];
  const ready = new Promise<void>((resolve) => lines.on('line', (text) => (output.push(text), text === 'ready' && resolve())));
  const ids = await enqueueRuns(
    'bench-noop',
    Array.from({ length: jobCount }, (_, i) => ({ payload: { i }, trigger: 'api' as const, actor: 'bench' })),
  );
  await ready;
  const began = performance.now();
  await queue.resume();
  for (;;) {
    const completed = await db().jobRun.count({ where: { jobName: 'bench-noop', status: 'completed' } });
    if (completed >= ids.length) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (performance.now() - began) / 1_000;
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.kill('SIGTERM');
  await exited;
  const peakRss = Number(output.find((text) => text.startsWith('peak-rss '))?.split(' ')[1] ?? NaN);
  const [, rows, statements] = output.find((text) => text.startsWith('writes '))?.split(' ') ?? [];
  return { rate: jobCount / seconds, peakRss, writes: `${Number(rows).toLocaleString('en')} rows in ${Number(statements).toLocaleString('en')} statements` };
}

async function latencyAtLowLoad(samples = 200): Promise<number[]> {
  const runner = new Runner({ db: db(), connect: () => createRedis('worker'), prefix: queuePrefix, handlers: [benchHandler as never], concurrency: { diagnostics: concurrency } });
  await runner.start();
  const ids: string[] = [];
  for (let i = 0; i < samples; i += 1) {
    ids.push((await enqueueRun('bench-noop', { payload: { i }, trigger: 'api' })).run.id);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await runner.statusWriter.flush();
  await new Promise((resolve) => setTimeout(resolve, 200));
  await runner.close(5_000);
  const rows = await db().jobRun.findMany({ where: { id: { in: ids } }, select: { queuedAt: true, startedAt: true } });
  return rows.filter((row) => row.startedAt).map((row) => row.startedAt!.getTime() - row.queuedAt.getTime());
}

async function seed(rows: number): Promise<void> {
  const began = performance.now();
  for (let start = 0; start < rows; start += 250_000) {
    const end = Math.min(rows, start + 250_000);
    await db().$executeRawUnsafe(`
      INSERT INTO "JobRun" (id, "jobName", status, trigger, source, actor, payload, priority, "queuedAt", "startedAt", "finishedAt",
        "durationMs", attempt, "maxAttempts", attempts, counters, "updatedAt")
      SELECT 'seed-' || g,
        (ARRAY['probe','bootstrap-meta','entry-updates','stats-update','cleanup','picks-processing','event-live-update','cup-update'])[1 + g % 8],
        (ARRAY['completed','completed','completed','completed','failed','skipped','completed','cancelled'])[1 + (g / 3) % 8]::"RunStatus",
        (ARRAY['schedule','schedule','manual','api','dependency'])[1 + g % 5]::"RunTrigger",
        'seed', 'bench', jsonb_build_object('matchId', g % 5000), 'medium',
        now() - make_interval(secs => g), now() - make_interval(secs => g) + interval '10 ms',
        now() - make_interval(secs => g) + interval '1 second', 990, 1, 3, '[]'::jsonb, '{}'::jsonb, now()
      FROM generate_series(${start + 1}, ${end}) AS g`);
  }
  await db().$executeRawUnsafe('ANALYZE "JobRun"');
  line(`seeded ${rows.toLocaleString('en')} run rows`, `${((performance.now() - began) / 1_000).toFixed(1)} s`);
}

async function timeRoute(label: string, call: () => Promise<Response>, times = 100): Promise<void> {
  for (let i = 0; i < 5; i += 1) await call(); // warm up
  const durations: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const began = performance.now();
    const response = await call();
    await response.text();
    if (!response.ok) throw new Error(`${label} answered ${response.status}`);
    durations.push(performance.now() - began);
  }
  line(label, `p50 ${ms(percentile(durations, 50))}  p95 ${ms(percentile(durations, 95))}`);
}

async function apiLatency(): Promise<void> {
  await seed(seedRows);
  const { hashToken } = await import('../lib/auth/tokens.ts');
  const key = `kk_bench_${randomBytes(8).toString('hex')}`;
  await db().apiKey.create({ data: { name: 'bench', prefix: key.slice(0, 7), keyHash: hashToken(key), role: 'viewer' } });
  const request = (path: string) => new Request(`http://localhost${path}`, { headers: { authorization: `Bearer ${key}` } });
  const none = { params: Promise.resolve({} as Record<string, never>) };
  const runsRoute = await import('../app/api/runs/route.ts');
  await timeRoute('GET /api/runs (first page)', () => runsRoute.GET(request('/api/runs'), none));
  await timeRoute('GET /api/runs?job=probe&status=failed', () => runsRoute.GET(request('/api/runs?job=probe&status=failed'), none));
  const deep = await db().jobRun.findFirst({ orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }], skip: Math.floor(seedRows * 0.8), select: { queuedAt: true, id: true } });
  const cursor = Buffer.from(JSON.stringify([deep!.queuedAt.toISOString(), deep!.id])).toString('base64url');
  await timeRoute('GET /api/runs (cursor 80 % deep)', () => runsRoute.GET(request(`/api/runs?cursor=${cursor}`), none));
  try {
    const statsRoute = await import('../app/api/stats/route.ts' as string);
    await timeRoute('GET /api/stats', () => statsRoute.GET(request('/api/stats'), none));
  } catch (error) {
    line('GET /api/stats', `not measured (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
}

try {
  await syncCatalog(db(), allJobs());
  console.log(`Kickoff benchmark: ${jobCount.toLocaleString('en')} no-op jobs, concurrency ${concurrency}, node ${process.version}\n`);
  const raw = await rawBullmq();
  line('(a) raw BullMQ', `${Math.round(raw).toLocaleString('en')} jobs/s`);
  const kickoff = await throughKickoff();
  line('(b) Kickoff, every run recorded', `${Math.round(kickoff.rate).toLocaleString('en')} jobs/s`);
  line('ratio (b)/(a)', (kickoff.rate / raw).toFixed(2));
  line('status writes', kickoff.writes);
  line('worker peak RSS', `${Math.round(kickoff.peakRss / 1024 / 1024)} MiB`);
  const latencies = await latencyAtLowLoad();
  line('enqueue-to-start latency, low load', `p50 ${ms(percentile(latencies, 50))}  p99 ${ms(percentile(latencies, 99))}`);
  if (!args['skip-api']) await apiLatency();
} finally {
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
  await dropTestResources(databaseUrl, queuePrefix);
}
process.exit(0);
