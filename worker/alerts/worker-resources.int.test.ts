/**
 * Resource alerts from a real worker: a fixture worker process (the production assembly,
 * heartbeat included) runs a job that holds memory and keeps its event loop busy; its own
 * heartbeat reports it, and the alert engine (here, with a clock the test moves) raises a
 * worker-resources alert once the limit has been passed for `forMinutes`. A database of its
 * own, so the only heartbeat is this worker's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { startFixtureWorker, stopWorker, type WorkerProcess } from '@/scripts/test/worker-processes.ts';
import '@/scripts/test/fixtures/engine-jobs.ts';
import { askForRun } from '@/scripts/test/ask-for-run.ts';
import { AlertEngine } from '@/lib/alerts/alert-engine.ts';
import { db } from '@/lib/db.ts';
import { allJobs } from '@/lib/jobs/catalog.ts';
import { queues } from '@/lib/queue/queues.ts';
import { createRedis } from '@/lib/redis.ts';
import { syncCatalog } from '../catalog-sync.ts';

await useOwnDatabase('worker_resources');
const prefix = useOwnQueuePrefix('worker-resources');
const connection = createRedis('worker');
let worker: WorkerProcess | undefined;
let clockOffsetMs = 0;
const engine = new AlertEngine({ db: db(), redis: connection, prefix, owner: 'test', telegram: null, publicUrl: 'http://kickoff.test', checkIntervalMs: 0, now: () => new Date(Date.now() + clockOffsetMs) });

beforeAll(async () => {
  await syncCatalog(db(), allJobs());
  worker = await startFixtureWorker({ FIXTURE_HEARTBEAT_MS: '500', FIXTURE_ONLY: 'diagnostics' });
});

afterAll(async () => {
  if (worker) await stopWorker(worker, 'SIGKILL');
  await engine.stop();
  await queues().close();
  connection.disconnect();
  await db().$disconnect();
});

const heartbeat = () => db().workerHeartbeat.findUniqueOrThrow({ where: { id: worker!.workerId } });
const openAlert = (ruleId: string) => db().alert.findFirst({ where: { ruleId, status: 'open' } });

describe('worker-resources', () => {
  it('raises an alert when a worker’s memory, CPU and event-loop lag stay over the limits for the period, and resolves when it stops', { timeout: 90_000 }, async () => {
    const idle = await waitFor(async () => {
      const row = await db().workerHeartbeat.findUnique({ where: { id: worker!.workerId } });
      return row && row.rssBytes > 0n ? row : undefined;
    }, 10_000, 'the first heartbeat');
    const baselineMb = Math.round(Number(idle.rssBytes) / 1_048_576);
    const memoryRule = await db().alertRule.create({
      data: { name: 'worker memory', condition: { type: 'worker-resources', rssMb: baselineMb + 150, forMinutes: 1 }, scope: { category: 'diagnostics' }, severity: 'warning', channels: [{ type: 'dashboard' }] },
    });
    // CPU is measured, not wall time: on a shared machine a spinning worker may get a small share of a core, so its limit is low.
    const loopRule = await db().alertRule.create({
      data: { name: 'worker busy', condition: { type: 'worker-resources', cpuPercent: 3, eventLoopLagMs: 100, forMinutes: 1 }, scope: {}, severity: 'warning', channels: [{ type: 'dashboard' }] },
    });
    // A category this worker does not run: its workers are none.
    const otherRule = await db().alertRule.create({
      data: { name: 'stats workers', condition: { type: 'worker-resources', rssMb: 1, forMinutes: 1 }, scope: { category: 'stats' }, severity: 'warning', channels: [{ type: 'dashboard' }] },
    });

    await engine.tick();
    expect(await openAlert(memoryRule.id)).toBeNull();
    expect(await openAlert(loopRule.id)).toBeNull();

    const { run } = await askForRun('fx-strain', { payload: { holdMb: 300, busy: true, holdMs: 15_000 } });
    const strained = await waitFor(async () => {
      const row = await heartbeat();
      return Number(row.rssBytes) > (baselineMb + 150) * 1_048_576 && row.eventLoopLagMs > 100 && row.cpuPercent > 3 ? row : undefined;
    }, 15_000, 'the heartbeat to report the held memory and the busy loop');
    expect(strained.eventLoopLagMs).toBeGreaterThan(100);

    // Over the limits, but only just now.
    await engine.tick();
    expect(await openAlert(memoryRule.id)).toBeNull();
    expect(await openAlert(loopRule.id)).toBeNull();

    clockOffsetMs = 61_000;
    await engine.tick();
    const memory = await openAlert(memoryRule.id);
    expect(memory).toMatchObject({ subject: `worker:${worker!.workerId}`, severity: 'warning' });
    expect(memory!.title).toMatch(new RegExp(`^Worker ${worker!.workerId}: memory \\d+ MB$`));
    expect(memory!.message).toMatch(new RegExp(`• memory \\d+ MB \\(limit ${baselineMb + 150} MB\\) for 1 min`));
    const loop = await openAlert(loopRule.id);
    expect(loop!.message).toMatch(/• CPU [\d.]+ % \(limit 3 %\) for 1 min/);
    expect(loop!.message).toMatch(/• event-loop lag \d+ ms \(limit 100 ms\) for 1 min/);
    expect(await db().alert.count({ where: { ruleId: otherRule.id } })).toBe(0);

    // The job ends and the worker stops: nothing of it is over any limit any more.
    await waitFor(async () => (await db().jobRun.findUniqueOrThrow({ where: { id: run.id } })).status === 'completed', 30_000, 'the strain run to end');
    await stopWorker(worker!);
    worker = undefined;
    await engine.tick();
    expect((await db().alert.findUniqueOrThrow({ where: { id: memory!.id } })).status).toBe('resolved');
    expect((await db().alert.findUniqueOrThrow({ where: { id: loop!.id } })).status).toBe('resolved');
  });
});
