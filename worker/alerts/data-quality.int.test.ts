/**
 * Data-quality alerts from the job that finds the problems: leaderboard-validation runs on a
 * worker in this process against standings the test writes, and a `data-quality` rule reads
 * what the run recorded (its `problems` counter and the list in its result). A database of its
 * own: the league tables are the test's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { askForRun } from '@/scripts/test/ask-for-run.ts';
import { startInProcessWorker, stopInProcessWorker } from '@/scripts/test/in-process-worker.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { AlertEngine } from '@/lib/alerts/alert-engine.ts';
import { db } from '@/lib/db.ts';
import { createRedis } from '@/lib/redis.ts';
import type { StartedWorker } from '../start-worker.ts';
import { leaderboardValidationHandler } from '../jobs/league/leaderboard-validation.ts';

await useOwnDatabase('data_quality_alerts');
const prefix = useOwnQueuePrefix('data-quality');
const connection = createRedis('worker');
let worker: StartedWorker;
const engine = new AlertEngine({ db: db(), redis: connection, prefix, owner: 'test', telegram: null, publicUrl: 'http://kickoff.test', checkIntervalMs: 0 });

beforeAll(async () => {
  worker = await startInProcessWorker(prefix, [leaderboardValidationHandler]);
  await db().league.createMany({ data: [{ id: 7, name: 'League <7>' }] });
  await db().entry.createMany({ data: [1, 2, 3].map((id) => ({ id, name: `Entry ${id}`, playerName: `Manager ${id}`, startedEvent: 1, summaryOverallPoints: 0 })) });
  // Rank 1 twice with different totals: a problem (1, 1, 3 would be a fair tie with equal totals).
  const member = (entryId: number, rank: number, total: number) => ({ leagueId: 7, entryId, rank, lastRank: rank, total, eventTotal: 0 });
  await db().leagueStanding.createMany({ data: [member(1, 1, 100), member(2, 1, 90), member(3, 3, 80)] });
});

afterAll(async () => {
  await engine.stop();
  connection.disconnect();
  await stopInProcessWorker(worker);
});

const runValidation = async () => {
  const { run } = await askForRun('leaderboard-validation', { payload: {} });
  return waitFor(async () => {
    const row = await db().jobRun.findUniqueOrThrow({ where: { id: run.id } });
    return row.status === 'completed' || row.status === 'failed' ? row : undefined;
  }, 20_000, 'leaderboard-validation to end');
};

describe('data-quality', () => {
  it('raises an alert from what leaderboard-validation recorded, listing the problems, and resolves when a later run finds none', async () => {
    const rule = await db().alertRule.create({ data: { name: 'league data', condition: { type: 'data-quality', minProblems: 1 }, scope: {}, severity: 'warning', channels: [{ type: 'dashboard' }] } });
    const strict = await db().alertRule.create({ data: { name: 'league data, many', condition: { type: 'data-quality', minProblems: 2 }, scope: { job: 'leaderboard-validation' }, severity: 'warning', channels: [{ type: 'dashboard' }] } });

    const found = await runValidation();
    expect(found.status).toBe('completed');
    expect(found.counters).toMatchObject({ problems: 1 });
    await engine.tick();
    const alert = await db().alert.findFirstOrThrow({ where: { ruleId: rule.id, status: 'open' } });
    expect(alert).toMatchObject({ subject: 'leaderboard-validation', runId: found.id, title: 'leaderboard-validation: 1 data problem' });
    expect(alert.message).toContain('found 1 data problem in its run');
    expect(alert.message).toContain('• league 7: rank 1 is held by entries 1, 2 with different totals');
    expect(alert.message).toContain(`<a href="http://kickoff.test/runs/${found.id}">`);
    expect(await db().alert.count({ where: { ruleId: strict.id } })).toBe(0); // 1 is under 2

    // The standings are repaired: the next run counts none, and the alert resolves.
    await db().leagueStanding.update({ where: { leagueId_entryId: { leagueId: 7, entryId: 2 } }, data: { rank: 2 } });
    const clean = await runValidation();
    expect(clean.counters).toMatchObject({ problems: 0 });
    await engine.tick();
    expect((await db().alert.findUniqueOrThrow({ where: { id: alert.id } })).status).toBe('resolved');
  });
});
