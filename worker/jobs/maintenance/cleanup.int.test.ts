import { afterAll, beforeAll, expect, it } from 'vitest';
import { startInProcessWorker, stopInProcessWorker } from '@/scripts/test/in-process-worker.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { db } from '@/lib/db.ts';
import { askForRunInDashboard } from '@/scripts/test/ask-for-run.ts';
import type { StartedWorker } from '../../start-worker.ts';
import { cleanupHandler } from './cleanup.ts';

const prefix = useOwnQueuePrefix('cleanup');
let runner: StartedWorker;
beforeAll(async () => {
  runner = await startInProcessWorker(prefix, [cleanupHandler]);
});
afterAll(() => stopInProcessWorker(runner));

it('removes expired sessions and finished runs past retention, keeps the rest, and reports what it did', async () => {
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
  const user = await db().user.create({ data: { email: `cleanup-${Date.now()}@test`, passwordHash: 'x' } });
  await db().session.createMany({
    data: [
      { id: `s-old-${user.id}`, userId: user.id, expiresAt: new Date(Date.now() - 2 * 3_600_000) },
      { id: `s-recent-${user.id}`, userId: user.id, expiresAt: new Date(Date.now() - 5 * 60_000) },
      { id: `s-live-${user.id}`, userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) },
    ],
  });
  await db().jobRun.createMany({
    data: [
      { id: 'cleanup-old-done', jobName: 'probe', status: 'completed', trigger: 'api', queuedAt: daysAgo(40) },
      { id: 'cleanup-old-failed', jobName: 'probe', status: 'failed', trigger: 'api', queuedAt: daysAgo(31) },
      { id: 'cleanup-old-running', jobName: 'probe', status: 'running', trigger: 'api', queuedAt: daysAgo(40) },
      { id: 'cleanup-young-done', jobName: 'probe', status: 'completed', trigger: 'api', queuedAt: daysAgo(2) },
    ],
  });
  // Orphans: an old resolved alert, an old alert of a deleted rule, a template of a job gone from the code, an abandoned entry.
  const rule = await db().alertRule.create({ data: { name: 'kept', condition: { type: 'run-failed' }, severity: 'info' } });
  await db().alert.createMany({
    data: [
      { id: 'cleanup-alert-old-resolved', ruleId: rule.id, subject: 'probe', severity: 'info', title: 't', message: 'm', status: 'resolved', lastAt: daysAgo(40) },
      { id: 'cleanup-alert-old-open', ruleId: rule.id, subject: 'probe', severity: 'info', title: 't', message: 'm', status: 'open', lastAt: daysAgo(40) },
      { id: 'cleanup-alert-gone-rule', ruleId: 'deleted-rule', subject: 'probe', severity: 'info', title: 't', message: 'm', status: 'open', lastAt: daysAgo(40) },
      { id: 'cleanup-alert-young', ruleId: 'deleted-rule', subject: 'probe', severity: 'info', title: 't', message: 'm', status: 'resolved', lastAt: daysAgo(1) },
    ],
  });
  await db().jobDefinition.upsert({ where: { name: 'cleanup-gone-job' }, create: { name: 'cleanup-gone-job', category: 'diagnostics', inCatalog: false }, update: { inCatalog: false } });
  await db().payloadTemplate.createMany({ data: [{ jobName: 'cleanup-gone-job', name: 'old', payload: {} }, { jobName: 'probe', name: `cleanup-kept-${Date.now()}`, payload: {} }] });
  await db().entry.createMany({ data: [{ id: 990_001, name: 'abandoned', playerName: 'x', startedEvent: 0, summaryOverallPoints: 0 }, { id: 990_002, name: 'tracked', playerName: 'x', startedEvent: 0, summaryOverallPoints: 0, tracked: true }] });
  const { run } = await askForRunInDashboard('cleanup');
  const done = await waitFor(async () => {
    const row = await db().jobRun.findUniqueOrThrow({ where: { id: run.id } });
    return row.status === 'completed' || row.status === 'failed' ? row : undefined;
  }, 15_000, 'cleanup to finish');
  expect(done.status).toBe('completed');
  expect(done.result).toMatchObject({ deleted: { sessions: expect.any(Number), runs: 2 }, retentionDays: 30, errors: 0 });
  const left = await db().jobRun.findMany({ where: { id: { startsWith: 'cleanup-' } }, select: { id: true } });
  expect(left.map((row) => row.id).sort()).toEqual(['cleanup-old-running', 'cleanup-young-done']);
  const sessions = await db().session.findMany({ where: { userId: user.id }, select: { id: true } });
  expect(sessions.map((session) => session.id).sort()).toEqual([`s-live-${user.id}`, `s-recent-${user.id}`]);
  expect(done.counters).toMatchObject({ runsDeleted: 2 });
  const alerts = await db().alert.findMany({ where: { id: { startsWith: 'cleanup-alert-' } }, select: { id: true } });
  expect(alerts.map((alert) => alert.id).sort()).toEqual(['cleanup-alert-old-open', 'cleanup-alert-young']);
  expect(await db().payloadTemplate.count({ where: { jobName: 'cleanup-gone-job' } })).toBe(0);
  expect(await db().payloadTemplate.count({ where: { jobName: 'probe', name: { startsWith: 'cleanup-kept-' } } })).toBe(1);
  expect((await db().entry.findMany({ where: { id: { in: [990_001, 990_002] } }, select: { id: true } })).map((entry) => entry.id)).toEqual([990_002]);
  expect(done.result).toMatchObject({ deleted: { orphans: { alerts: expect.any(Number), payloadTemplates: expect.any(Number), entries: expect.any(Number) } } });
  await db().alert.deleteMany({ where: { id: { startsWith: 'cleanup-alert-' } } });
  await db().entry.delete({ where: { id: 990_002 } });
  await db().alertRule.delete({ where: { id: rule.id } });
});

it('archives the standings of tournaments that ended more than 90 days ago, and keeps the others', async () => {
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
  // Ids well away from the simulator's and other tests'.
  const event = (id: number, deadlineTime: Date) => ({ id, name: `Gameweek ${id}`, deadlineTime, isPrevious: false, isCurrent: false, isNext: false, finished: true, dataChecked: true });
  await db().event.createMany({ data: [event(9501, daysAgo(120)), event(9502, daysAgo(10))] });
  await db().league.create({ data: { id: 9501, name: 'Archive league' } });
  await db().entry.createMany({ data: [990_011, 990_012].map((id) => ({ id, name: `Entry ${id}`, playerName: 'x', startedEvent: 1, summaryOverallPoints: 0 })) });
  const tournament = (name: string, endEvent: number, status: string) => db().tournament.create({ data: { name, leagueId: 9501, kind: 'points_race', startEvent: endEvent, endEvent, status } });
  const old = await tournament('ended long ago', 9501, 'finished');
  const recent = await tournament('ended lately', 9502, 'finished');
  const active = await tournament('still on', 9501, 'active');
  for (const { id } of [old, recent, active]) {
    await db().tournamentStanding.createMany({ data: [{ tournamentId: id, entryId: 990_011, rank: 1, points: 70 }, { tournamentId: id, entryId: 990_012, rank: 2, points: 50 }] });
  }
  try {
    const { run } = await askForRunInDashboard('cleanup');
    const done = await waitFor(async () => {
      const row = await db().jobRun.findUniqueOrThrow({ where: { id: run.id } });
      return row.status === 'completed' || row.status === 'failed' ? row : undefined;
    }, 15_000, 'cleanup to finish');
    expect(done.status).toBe('completed');
    expect(done.result).toMatchObject({ standingsArchived: 2 });
    expect(await db().tournamentStanding.count({ where: { tournamentId: old.id } })).toBe(0);
    expect(await db().tournamentStanding.count({ where: { tournamentId: { in: [recent.id, active.id] } } })).toBe(4);
    const archived = await db().tournamentStandingArchive.findMany({ where: { tournamentId: old.id }, orderBy: { rank: 'asc' } });
    expect(archived.map(({ entryId, rank, points }) => ({ entryId, rank, points }))).toEqual([
      { entryId: 990_011, rank: 1, points: 70 },
      { entryId: 990_012, rank: 2, points: 50 },
    ]);
    // an entry named only by archived standings is not an orphan
    expect(await db().entry.count({ where: { id: { in: [990_011, 990_012] } } })).toBe(2);
  } finally {
    await db().tournamentStandingArchive.deleteMany({ where: { tournamentId: old.id } });
    await db().tournament.deleteMany({ where: { leagueId: 9501 } });
    await db().league.delete({ where: { id: 9501 } });
    await db().entry.deleteMany({ where: { id: { in: [990_011, 990_012] } } });
    await db().event.deleteMany({ where: { id: { in: [9501, 9502] } } });
  }
});
