/**
 * `npm run bench`: what recording every run costs, and how the read side holds up.
 *   (a) raw BullMQ: N no-op jobs added in bulk, processed with concurrency C;
 *   (b) the same through Kickoff, every run recorded in PostgreSQL;
 *   then the bulk trigger's rate through HTTP, enqueue-to-start latency at low load, the
 *   worker's peak RSS, and p50/p95 of GET /api/runs (payload search alone and 30 at once
 *   included) and GET /api/stats against 1 000 000 run rows, and of a metrics scrape
 *   before and after those rows are seeded; then the Letletme specification's timing targets
 *   beside the figures measured (meta sync, live update, cache read: scripts/bench-targets.ts).
 * Options: --jobs N (20000) --concurrency C (50) --rounds K (3) --rows R (1000000) --skip-api, --api-only,
 *   --skip-targets, --targets-only.
 * Everything runs on a database and Redis prefix of its own, removed at the end.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createTestDatabase, createTestPrefix, dropTestResources } from './test/test-resources.ts';

const { values: args } = parseArgs({
  options: {
    jobs: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '50' },
    rows: { type: 'string', default: '1000000' },
    'skip-api': { type: 'boolean', default: false },
    'api-only': { type: 'boolean', default: false },
    rounds: { type: 'string', default: '3' },
    'skip-targets': { type: 'boolean', default: false },
    'targets-only': { type: 'boolean', default: false },
  },
});
const jobCount = Number(args.jobs);
const concurrency = Number(args.concurrency);
const seedRows = Number(args.rows);
const rounds = Number(args.rounds);

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
const { redis } = await import('../lib/redis.ts');
const { askForRun, askForRuns } = await import('./test/ask-for-run.ts');
const { seedRuns, deleteRunsOf } = await import('./test/seed-runs.ts');
const { defineHandler } = await import('../worker/define-handler.ts');
const { syncCatalog } = await import('../worker/catalog-sync.ts');
const { startWorker } = await import('../worker/start-worker.ts');

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

const rawCpus: Cpu[] = [];

async function rawBullmq(): Promise<number> {
  const connection = new Redis(env().REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('bench-raw', { connection, prefix: queuePrefix, defaultJobOptions });
  for (let start = 0; start < jobCount; start += 1_000) {
    await queue.addBulk(Array.from({ length: Math.min(1_000, jobCount - start) }, (_, i) => ({ name: 'noop', data: { i: start + i } })));
  }
  let done = 0;
  const began = performance.now();
  const cpuBefore = await cpuSeconds();
  const finished = new Promise<void>((resolve) => {
    const worker = new Worker('bench-raw', async () => null, { connection: new Redis(env().REDIS_URL, { maxRetriesPerRequest: null }), prefix: queuePrefix, concurrency });
    worker.on('completed', () => {
      done += 1;
      if (done === jobCount) void worker.close().then(() => resolve());
    });
  });
  await finished;
  const seconds = (performance.now() - began) / 1_000;
  rawCpus.push(await cpuSince(cpuBefore, jobCount));
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  return jobCount / seconds;
}

/**
 * CPU seconds used so far (from /proc), by pid, of this benchmark's own processes: Node (this
 * process and its children), the PostgreSQL backends connected to its database, and Redis
 * (the server is shared: other users of this Redis count too, so compare within one run).
 * Other processes on the machine (another checkout's tests) are left out.
 */
async function cpuSeconds(): Promise<Map<string, { group: string; seconds: number }>> {
  const backends = new Set(
    (await db().$queryRaw<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`).map((row) => String(row.pid)),
  );
  const parents = new Map<string, string>();
  const stats = new Map<string, { name: string; seconds: number }>();
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(pid, fields[1]!);
      stats.set(pid, { name, seconds: (Number(fields[11]) + Number(fields[12])) / 100 });
    } catch {
      // the process ended while we looked
    }
  }
  const ours = (pid: string) => {
    for (let at: string | undefined = pid; at && at !== '0'; at = parents.get(at)) if (at === String(process.pid)) return true;
    return false;
  };
  const byPid = new Map<string, { group: string; seconds: number }>();
  for (const [pid, { name, seconds }] of stats) {
    const group = backends.has(pid) ? 'postgres' : name.startsWith('redis') ? 'redis' : (name === 'node' || name === 'MainThread') && ours(pid) ? 'node' : null;
    if (group) byPid.set(pid, { group, seconds });
  }
  return byPid;
}

/** CPU per job since `before`, by group; processes that started meanwhile count from zero, ones that ended are left out. */
async function cpuSince(before: Map<string, { group: string; seconds: number }>, jobs: number): Promise<Cpu> {
  const totals: Record<string, number> = { node: 0, postgres: 0, redis: 0 };
  for (const [pid, now] of await cpuSeconds()) totals[now.group] = (totals[now.group] ?? 0) + now.seconds - (before.get(pid)?.seconds ?? 0);
  const micros = (seconds: number) => (seconds * 1_000_000) / jobs;
  const total = micros(Object.values(totals).reduce((sum, seconds) => sum + seconds, 0));
  return {
    total,
    text: `${Object.entries(totals)
      .map(([group, seconds]) => `${group} ${micros(seconds).toFixed(0)} µs`)
      .join(', ')} (${total.toFixed(0)} µs in all)`,
  };
}
interface Cpu {
  total: number;
  text: string;
}

/** The worker runs in a process of its own, so its memory is its own; the queue is paused while the runs are added. */
async function throughKickoff(): Promise<{ rate: number; peakRss: number; writes: string; cpu: Cpu }> {
  const queue = queues().for('diagnostics');
  await queue.pause();
  const worker = spawn(process.execPath, [...(process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', 'scripts/bench-worker.ts'], {
    env: { ...process.env, BENCH_CONCURRENCY: String(concurrency) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: worker.stdout! });
  const output: string[] = [];
  const ready = new Promise<void>((resolve) => lines.on('line', (text) => (output.push(text), text === 'ready' && resolve())));
  const ids = await askForRuns('bench-noop', Array.from({ length: jobCount }, (_, i) => ({ i })));
  await ready;
  const began = performance.now();
  const cpuBefore = await cpuSeconds();
  await queue.resume();
  for (;;) {
    // From the hourly roll-up (a few rows), not a count over the runs: the watching costs next to nothing.
    const [{ completed }] = await db().$queryRaw<[{ completed: bigint | null }]>`
      SELECT sum(runs) AS completed FROM "RunHourlyCount" WHERE "jobName" = 'bench-noop' AND status = 'completed'`;
    if (Number(completed ?? 0) >= ids.length) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (performance.now() - began) / 1_000;
  const cpu = await cpuSince(cpuBefore, jobCount);
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.kill('SIGTERM');
  await exited;
  const peakRss = Number(output.find((text) => text.startsWith('peak-rss '))?.split(' ')[1] ?? NaN);
  const [, rows, statements] = output.find((text) => text.startsWith('writes '))?.split(' ') ?? [];
  return { rate: jobCount / seconds, peakRss, cpu, writes: `${Number(rows).toLocaleString('en')} rows in ${Number(statements).toLocaleString('en')} statements` };
}

async function latencyAtLowLoad(samples = 200): Promise<number[]> {
  const worker = await startWorker({ handlers: [benchHandler], concurrency: { diagnostics: concurrency }, syncCatalog: false, bootstrapAccess: false, schedulers: false, league: false });
  const ids: string[] = [];
  for (let i = 0; i < samples; i += 1) {
    ids.push((await askForRun('bench-noop', { payload: { i } })).run.id);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await worker.statusWriter.flush();
  await new Promise((resolve) => setTimeout(resolve, 200));
  await worker.stop(5_000);
  const rows = await db().jobRun.findMany({ where: { id: { in: ids } }, select: { queuedAt: true, startedAt: true } });
  return rows.filter((row) => row.startedAt).map((row) => row.startedAt!.getTime() - row.queuedAt.getTime());
}

/**
 * The bulk trigger through real HTTP: `POST /api/jobs/bench-noop/trigger` with 1 000 runs a
 * request, to the route handler served by a plain Node HTTP server on loopback (auth, body
 * parse, the whole run pipeline, one insert and one addBulk per request). Nothing runs them:
 * the queue's jobs and the rows are removed after.
 */
async function bulkTriggerRate(requests = 20, perRequest = 1_000): Promise<void> {
  const { createServer } = await import('node:http');
  const { hashToken } = await import('../lib/auth/tokens.ts');
  const key = `kk_bulk_${randomBytes(8).toString('hex')}`;
  await db().apiKey.create({ data: { name: 'bench-bulk', prefix: key.slice(0, 7), keyHash: hashToken(key), role: 'admin' } });
  const route = await import('../app/api/jobs/[name]/trigger/route.ts');
  const server = createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === 'string') headers.set(name, value);
    const response = await route.POST(new Request(`http://localhost${incoming.url}`, { method: 'POST', headers, body: Buffer.concat(chunks) }), { params: Promise.resolve({ name: 'bench-noop' }) });
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    outgoing.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const send = (start: number) =>
    fetch(`http://127.0.0.1:${port}/api/jobs/bench-noop/trigger`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ runs: Array.from({ length: perRequest }, (_, i) => ({ payload: { i: start + i }, requestId: `bulk-${start + i}` })) }),
    });
  const queue = queues().for('diagnostics');
  await queue.pause();
  await (await send(-perRequest)).text(); // warm up
  const durations: number[] = [];
  const began = performance.now();
  for (let request = 0; request < requests; request += 1) {
    const sent = performance.now();
    const response = await send(request * perRequest);
    const { results } = (await response.json()) as { results: { ok: boolean; created: boolean }[] };
    if (response.status !== 207 || results.length !== perRequest || !results.every((result) => result.ok && result.created)) throw new Error(`bulk trigger answered ${response.status}`);
    durations.push(performance.now() - sent);
  }
  const seconds = (performance.now() - began) / 1_000;
  line(
    `bulk trigger, HTTP, ${perRequest.toLocaleString('en')} runs a request`,
    `${Math.round((requests * perRequest) / seconds).toLocaleString('en')} runs/s (a request p50 ${ms(percentile(durations, 50))}, max ${ms(Math.max(...durations))}; ${requests} requests)`,
  );
  server.close();
  await queue.obliterate({ force: true });
  await deleteRunsOf('bench-noop');
}

/** p50/p95 of one search alone, and of each request while `parallel` run at once. */
async function timeSearch(label: string, call: () => Promise<Response>, targets: { alone: number; parallel: number }, parallel = 30, waves = 10): Promise<void> {
  await timeRoute(`${label} (target p95 ≤ ${targets.alone} ms)`, call);
  const durations: number[] = [];
  for (let wave = 0; wave < waves; wave += 1) {
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        const began = performance.now();
        const response = await call();
        await response.text();
        durations.push(performance.now() - began);
      }),
    );
  }
  const p95 = percentile(durations, 95);
  line(`  ${parallel} at once (target p95 ≤ ${targets.parallel} ms)`, `p50 ${ms(percentile(durations, 50))}  p95 ${ms(p95)}  ${p95 <= targets.parallel ? 'within' : 'MISSED'}`);
}

async function seed(rows: number): Promise<void> {
  const began = performance.now();
  await seedRuns(rows);
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
  const { hashToken } = await import('../lib/auth/tokens.ts');
  const key = `kk_bench_${randomBytes(8).toString('hex')}`;
  await db().apiKey.create({ data: { name: 'bench', prefix: key.slice(0, 7), keyHash: hashToken(key), role: 'viewer' } });
  const request = (path: string) => new Request(`http://localhost${path}`, { headers: { authorization: `Bearer ${key}` } });
  const none = { params: Promise.resolve({} as Record<string, never>) };
  // A scrape reads roll-ups and current state, never the run table: the same cost before and after the seed.
  const metricsRoute = await import('../app/api/metrics/route.ts');
  const scrape = () => metricsRoute.GET(request('/api/metrics'), none);
  const runRows = await db().jobRun.count();
  await timeRoute(`GET /api/metrics (${runRows.toLocaleString('en')} run rows; target p95 < 50 ms)`, scrape);
  await seed(seedRows);
  await timeRoute(`GET /api/metrics (${seedRows.toLocaleString('en')} run rows; target p95 < 50 ms)`, scrape);
  const { body } = await (await import('../lib/data/metrics.ts')).renderMetrics();
  line('  its body', `${(Buffer.byteLength(body) / 1024).toFixed(1)} KiB text, ${(gzipSync(body).length / 1024).toFixed(1)} KiB gzip (as next start sends it)`);
  const runsRoute = await import('../app/api/runs/route.ts');
  await timeRoute('GET /api/runs (first page)', () => runsRoute.GET(request('/api/runs'), none));
  await timeRoute('GET /api/runs?job=probe&status=failed', () => runsRoute.GET(request('/api/runs?job=probe&status=failed'), none));
  let value = 0;
  // A different matchId each time (200 runs each at 1 M rows), so no answer is a cached one.
  await timeSearch(`GET /api/runs?q=matchId=N (${seedRows.toLocaleString('en')} rows)`, () => runsRoute.GET(request(`/api/runs?q=matchId%3D${(value += 7) % 5_000}`), none), { alone: 20, parallel: 100 });
  const deep = await db().jobRun.findFirst({ orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }], skip: Math.floor(seedRows * 0.8), select: { queuedAt: true, id: true } });
  const cursor = Buffer.from(JSON.stringify([deep!.queuedAt.toISOString(), deep!.id])).toString('base64url');
  await timeRoute('GET /api/runs (cursor 80 % deep)', () => runsRoute.GET(request(`/api/runs?cursor=${cursor}`), none));
  const statsRoute = await import('../app/api/stats/route.ts');
  await timeRoute('GET /api/stats', () => statsRoute.GET(request('/api/stats'), none));
  const jobsRoute = await import('../app/api/jobs/route.ts');
  await timeRoute('GET /api/jobs', () => jobsRoute.GET(request('/api/jobs'), none));
}

async function specifiedTargets(): Promise<void> {
  const { measureTargets } = await import('./bench-targets.ts');
  await measureTargets(line);
}

class Finished extends Error {}

try {
  await syncCatalog(db(), allJobs());
  console.log(`Kickoff benchmark: ${jobCount.toLocaleString('en')} no-op jobs, concurrency ${concurrency}, node ${process.version}\n`);
  if (args['api-only']) {
    await apiLatency();
    throw new Finished();
  }
  if (args['targets-only']) {
    await specifiedTargets();
    throw new Finished();
  }
  // (a) and (b) take turns, three rounds each; the medians are compared (this machine is noisy).
  const rawRates: number[] = [];
  const kickoffRates: number[] = [];
  let kickoff!: Awaited<ReturnType<typeof throughKickoff>>;
  const kickoffCpus: Cpu[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    rawRates.push(await rawBullmq());
    kickoff = await throughKickoff();
    kickoffRates.push(kickoff.rate);
    kickoffCpus.push(kickoff.cpu);
    await deleteRunsOf('bench-noop');
    console.log(`  round ${round}: raw ${Math.round(rawRates.at(-1)!)} jobs/s, Kickoff ${Math.round(kickoff.rate)} jobs/s`);
  }
  const raw = percentile(rawRates, 50);
  const recorded = percentile(kickoffRates, 50);
  line('(a) raw BullMQ (median)', `${Math.round(raw).toLocaleString('en')} jobs/s`);
  line('(b) Kickoff, every run recorded (median)', `${Math.round(recorded).toLocaleString('en')} jobs/s`);
  const medianCpu = (cpus: Cpu[]) => [...cpus].sort((a, b) => a.total - b.total)[Math.floor(cpus.length / 2)]!;
  line('ratio (b)/(a) (target ≥ 0.5)', `${(recorded / raw).toFixed(2)} ${recorded / raw >= 0.5 ? 'within' : 'MISSED'}`);
  line('CPU per job, (a) raw BullMQ (median round)', medianCpu(rawCpus).text);
  const recordedCpu = medianCpu(kickoffCpus);
  line('CPU per recorded run, (b) (target ≤ 140 µs)', `${recordedCpu.text} ${recordedCpu.total <= 140 ? 'within' : 'MISSED'}`);
  line('status writes', kickoff.writes);
  line('worker peak RSS', `${Math.round(kickoff.peakRss / 1024 / 1024)} MiB`);
  await bulkTriggerRate();
  const latencies = await latencyAtLowLoad();
  line('enqueue-to-start latency, low load', `p50 ${ms(percentile(latencies, 50))}  p99 ${ms(percentile(latencies, 99))}`);
  if (!args['skip-api']) await apiLatency();
  if (!args['skip-targets']) await specifiedTargets();
} catch (error) {
  if (!(error instanceof Finished)) throw error;
} finally {
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
  await dropTestResources(databaseUrl, queuePrefix);
}
process.exit(0);
