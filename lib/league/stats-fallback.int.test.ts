/**
 * BerkoTNF 002's graceful degradation: with the web's Redis pointed at a closed port, "Update
 * stats" runs the ten steps in this (the web) process and records the run, source `fallback`,
 * through the run store; the tags of the steps are revalidated here.
 */
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { asActor, testAdmin } from '@/scripts/test/ask-for-run.ts';

/** A port nothing listens on: bound, then closed. */
const closedPort = await new Promise<number>((resolve) => {
  const server = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as net.AddressInfo;
    server.close(() => resolve(port));
  });
});
process.env.REDIS_URL = `redis://127.0.0.1:${closedPort}`;
useOwnQueuePrefix('stats-fallback');
await useOwnDatabase('stats_fallback');
const { db } = await import('@/lib/db.ts');
const { redis } = await import('@/lib/redis.ts');
const { triggerStatsUpdate } = await import('./trigger-stats-update.ts');
const { statsSteps } = await import('@/lib/jobs/definitions/league/stats-update.ts');

afterAll(async () => {
  redis().disconnect();
  await db().$disconnect();
});

describe('"Update stats" with the queue unreachable', () => {
  it('runs the ten steps in the web process and records the run with source fallback', async () => {
    const revalidated: string[] = [];
    const outcome = await triggerStatsUpdate({}, asActor(testAdmin), (tags) => revalidated.push(...tags));
    expect(outcome.fallback).toBe(true);
    const run = await db().jobRun.findUniqueOrThrow({ where: { id: outcome.run.id } });
    expect(run).toMatchObject({ jobName: 'stats-update', status: 'completed', source: 'fallback', trigger: 'manual', actor: testAdmin.label, attempt: 1 });
    expect(run.workerId).toMatch(/^web:/);
    expect(run.durationMs).not.toBeNull();
    const result = run.result as { fallback: boolean; steps: { name: string; ok: boolean }[] };
    expect(result.fallback).toBe(true);
    expect(result.steps.map((step) => step.name)).toEqual(statsSteps.map((step) => step.name));
    expect(result.steps.every((step) => step.ok)).toBe(true);
    expect(new Set(revalidated)).toEqual(new Set(statsSteps.flatMap((step) => step.cacheTags)));
    expect(await db().auditLog.count({ where: { action: 'job.trigger', targetId: 'stats-update' } })).toBe(1);
  });

  it('still refuses when dashboard stats are switched off in Settings', async () => {
    await db().setting.upsert({ where: { key: 'stats.admin' }, create: { key: 'stats.admin', value: false }, update: { value: false } });
    try {
      await expect(triggerStatsUpdate({}, asActor(testAdmin))).rejects.toMatchObject({ code: 'stats_source_off' });
    } finally {
      await db().setting.delete({ where: { key: 'stats.admin' } });
    }
  });
});
