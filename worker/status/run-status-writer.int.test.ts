import { afterAll, describe, expect, it } from 'vitest';
import { TcpProxy } from '@/scripts/test/tcp-proxy.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { createDb, db } from '@/lib/db.ts';
import { createPgPool } from '@/lib/pg-pool.ts';
import type { RunAttempt } from '@/lib/jobs/run-state.ts';
import { RunStatusWriter, type AttemptStart } from './run-status-writer.ts';

const pool = createPgPool(process.env.DATABASE_URL!);
afterAll(async () => {
  await pool.end();
  await db().$disconnect();
});

let sequence = 0;
function start(attempt = 1): AttemptStart {
  sequence += 1;
  return {
    runId: `writer-${Date.now()}-${sequence}`,
    jobName: 'probe',
    attempt,
    maxAttempts: 3,
    workerId: 'w-test',
    startedAt: new Date(),
    seed: { trigger: 'schedule', source: null, actor: 'scheduler', requestId: null, payload: {}, priority: 'medium', queuedAt: new Date() },
  };
}

describe('RunStatusWriter', () => {
  it('writes a batch of runs in few statements and folds each run to its last state', async () => {
    const writer = new RunStatusWriter(db(), pool, { flushIntervalMs: 50 });
    const starts = Array.from({ length: 300 }, () => start());
    for (const run of starts) writer.attemptStarted(run);
    for (const run of starts) writer.attemptFinished(run, new Date(), { status: 'completed', result: { ok: run.runId } });
    await writer.flush();
    expect(writer.stats.rows).toBe(300);
    expect(writer.stats.statements).toBeLessThanOrEqual(2);
    const rows = await db().jobRun.findMany({ where: { id: { in: starts.map((run) => run.runId) } } });
    expect(rows).toHaveLength(300);
    expect(rows.every((row) => row.status === 'completed' && row.progress === 100 && row.durationMs !== null)).toBe(true);
    expect(rows[0]!.attempts as unknown as RunAttempt[]).toHaveLength(1);
    await writer.close();
  });

  it('never moves a run backwards: a late running after completed is ignored', async () => {
    const writer = new RunStatusWriter(db(), pool);
    const run = start();
    writer.attemptStarted(run);
    writer.attemptFinished(run, new Date(), { status: 'completed', result: 1 });
    await writer.flush();
    writer.attemptStarted(run);
    await writer.flush();
    const row = await db().jobRun.findUniqueOrThrow({ where: { id: run.runId } });
    expect(row.status).toBe('completed');
    await writer.close();
  });

  it('keeps attempts in order across batches: retrying, then running and failed on the next attempt', async () => {
    const writer = new RunStatusWriter(db(), pool);
    const first = start(1);
    writer.attemptStarted(first);
    await writer.flush();
    writer.attemptFinished(first, new Date(), { status: 'retrying', error: 'boom 1', stack: null });
    await writer.flush();
    expect((await db().jobRun.findUniqueOrThrow({ where: { id: first.runId } })).status).toBe('retrying');
    const second = { ...first, attempt: 2, startedAt: new Date() };
    writer.attemptStarted(second);
    writer.attemptFinished(second, new Date(), { status: 'failed', error: 'boom 2', stack: 'stack 2' });
    await writer.flush();
    // A stale write of the first attempt arrives last; it must change nothing.
    writer.attemptFinished(first, new Date(), { status: 'retrying', error: 'late', stack: null });
    await writer.flush();
    const row = await db().jobRun.findUniqueOrThrow({ where: { id: first.runId } });
    expect(row).toMatchObject({ status: 'failed', attempt: 2, error: 'boom 2', errorStack: 'stack 2' });
    expect((row.attempts as unknown as RunAttempt[]).map((entry) => [entry.attempt, entry.error])).toEqual([
      [1, 'boom 1'],
      [2, 'boom 2'],
    ]);
    await writer.close();
  });

  it('keeps transitions while PostgreSQL is unreachable and writes them once it is back', { timeout: 30_000 }, async () => {
    const target = new URL(process.env.DATABASE_URL!);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    const port = await proxy.start();
    const viaProxy = new URL(target);
    viaProxy.port = String(port);
    const proxiedDb = createDb(viaProxy.toString(), 2);
    const proxiedPool = createPgPool(viaProxy.toString());
    const writer = new RunStatusWriter(proxiedDb, proxiedPool, { flushIntervalMs: 10 });
    const runs = Array.from({ length: 20 }, () => start());
    await proxy.cut();
    for (const run of runs) {
      writer.attemptStarted(run);
      writer.attemptFinished(run, new Date(), { status: 'completed', result: null });
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(writer.stats.retries).toBeGreaterThan(0);
    expect(await db().jobRun.count({ where: { id: { in: runs.map((run) => run.runId) } } })).toBe(0);
    await proxy.restore();
    await waitFor(async () => (await db().jobRun.count({ where: { id: { in: runs.map((run) => run.runId) }, status: 'completed' } })) === runs.length, 15_000, 'the writes after the outage');
    await writer.close();
    await proxiedDb.$disconnect();
    await proxiedPool.end();
    await proxy.stop();
  });
});
