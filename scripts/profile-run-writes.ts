/**
 * What PostgreSQL spends per recorded run, and on what: queued rows written by the run
 * pipeline's insert, then the status writer's upsert (running and completed folded, 500 rows a
 * statement), timed by the CPU of the one backend that runs them (/proc/<pid>/stat), first as
 * the schema is, then with the hourly-count triggers off and with each secondary index dropped
 * in turn (each in a transaction rolled back), so each part's share shows.
 * `node --import tsx scripts/profile-run-writes.ts [--runs 10000] [--quick: as it is and triggers off only]` (its own database, dropped after).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createTestDatabase, dropTestResources } from './test/test-resources.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '10000' }, quick: { type: 'boolean', default: false } } });
const runs = Number(args.runs);
const url = await createTestDatabase(`kickoff_profile_${process.pid}_${randomBytes(2).toString('hex')}`);
process.env.DATABASE_URL = url;
const { insertRuns, writeTransitions } = await import('../lib/runs/run-store.ts');
const { db } = await import('../lib/db.ts');

const client = new pg.Client({ connectionString: url });
await client.connect();
const backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
const cpu = () => {
  const stat = readFileSync(`/proc/${backend}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

/** The run pipeline's queued rows, written through `client` (Prisma's insert is timed on its own backend, not here). */
async function queuedRows(count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  for (let start = 0; start < count; start += 1_000) {
    await insertRuns(
      ids.slice(start, start + 1_000).map((id, i) => ({ id, jobName: 'bench-noop', status: 'queued', trigger: 'api', source: 'api', actor: 'key:bench', requestId: null, payload: { i: start + i }, maxAttempts: 1, priority: 'medium', retryOf: null, causedBy: null })),
    );
  }
  return ids;
}

/** What the status writer sends for a no-op run that started and completed inside one flush window. */
function finished(id: string, i: number) {
  const at = new Date().toISOString();
  return {
    id, jobName: 'bench-noop', status: 'completed' as const, trigger: 'api' as const, source: 'api', actor: 'key:bench', requestId: null, payload: { i }, priority: 'medium' as const,
    queuedAt: at, maxAttempts: 1, attempt: 1, startedAt: at, finishedAt: at, workerId: 'profile:1', result: null, error: null, errorStack: null, phase: null, counters: null,
    attempts: [{ attempt: 1, at, workerId: 'profile:1', finishedAt: at }],
  };
}

async function measure(label: string, prepare?: string): Promise<void> {
  const ids = await queuedRows(runs);
  await client.query('BEGIN');
  if (prepare) await client.query(prepare);
  const before = cpu();
  const began = performance.now();
  for (let start = 0; start < ids.length; start += 500) await writeTransitions(client, ids.slice(start, start + 500).map((id, i) => finished(id, start + i)));
  const wall = performance.now() - began;
  const used = cpu() - before;
  await client.query('ROLLBACK');
  console.log(`${label.padEnd(52)} PostgreSQL ${((used * 1e6) / runs).toFixed(1).padStart(6)} µs/run CPU, ${((wall * 1e3) / runs).toFixed(1).padStart(6)} µs/run wall`);
}

const indexes = (await client.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'JobRun' AND indexname <> 'JobRun_pkey' ORDER BY 1`)).rows.map((row) => row.indexname);
console.log(`${runs.toLocaleString('en')} runs, 500 a statement; JobRun has ${indexes.length} secondary indexes\n`);
await measure('as it is (the status writer upsert)');
await measure('as it is, again');
await measure('hourly-count triggers off', 'ALTER TABLE "JobRun" DISABLE TRIGGER USER');
if (!args.quick) {
  for (const index of indexes) await measure(`without ${index}`, `DROP INDEX "${index}"`);
  await measure('without any secondary index', indexes.map((index) => `DROP INDEX "${index}";`).join(' '));
}
await client.end();
await db().$disconnect();
await dropTestResources(url, `{kickoff-profile-${process.pid}}`);
