/**
 * The NOTIFY routing does not feed back (issue #15): a change written by a job's own
 * transaction (`kickoff.writer`, as writeTables sets it) queues no run of that job, and a
 * change queues no run while an equal run is already queued or running. On the real trigger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { deleteRedisKeys } from '@/scripts/test/test-resources.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';

const prefix = useOwnQueuePrefix('league-feedback');
const databaseUrl = await useOwnDatabase('league_feedback');
const { db } = await import('@/lib/db.ts');
const { redis } = await import('@/lib/redis.ts');
const { queues } = await import('@/lib/queue/queues.ts');
const { LeagueListener } = await import('./league-listener.ts');

const handled: { fixture: number; asked: string[] }[] = [];
const listener = new LeagueListener({ databaseUrl, onHandled: (notification, asked) => handled.push({ fixture: notification.id, asked }) });
const minutes = (n: number) => new Date(Date.now() + n * 60_000);

/** Kicks fixture `id` off, in a transaction written as `writer` when given (what writeTables does). */
async function kickOff(id: number, writer?: string) {
  await db().$transaction(async (tx) => {
    if (writer) await tx.$executeRaw`SELECT set_config('kickoff.writer', ${writer}, true)`;
    await tx.fixture.update({ where: { id }, data: { started: true } });
  });
  return waitFor(async () => handled.find((row) => row.fixture === id), 10_000, `fixture ${id}'s kick-off to be handled`);
}

const eventRuns = (jobName: string) => db().jobRun.count({ where: { jobName, trigger: 'event' } });

beforeAll(async () => {
  await db().team.createMany({ data: [1, 2].map((id) => ({ id, name: `Team ${id}`, shortName: `T${id}`, strength: 3 })) });
  await db().event.create({ data: { id: 1, name: 'Gameweek 1', deadlineTime: minutes(-30), isPrevious: false, isCurrent: true, isNext: false, finished: false, dataChecked: false, isLive: true } });
  await db().fixture.createMany({
    data: [1, 2, 3].map((id) => ({ id, eventId: 1, teamHId: 1, teamAId: 2, kickoffTime: minutes(-1), started: false, finished: false, finishedProvisional: false, minutes: 0, teamHScore: null, teamAScore: null })),
  });
  await listener.start();
});

afterAll(async () => {
  await listener.stop();
  await deleteRedisKeys(prefix);
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

describe('league NOTIFY feedback', () => {
  it("queues no run of the job that wrote the change, only the other job's", async () => {
    const first = await kickOff(1, 'live-scores-update');
    expect(first.asked).toEqual(['event-live-update']);
    expect(await eventRuns('live-scores-update')).toBe(0);
    expect(await eventRuns('event-live-update')).toBe(1);
  });

  it('queues no run while an equal run is already queued', async () => {
    // event-live-update's run from the kick-off above is still queued (no worker here).
    const second = await kickOff(2);
    expect(second.asked).toEqual(['live-scores-update']);
    expect(await eventRuns('event-live-update')).toBe(1);
    expect(await eventRuns('live-scores-update')).toBe(1);

    // Both now queued: a third kick-off (another minute's or not) adds nothing.
    const third = await kickOff(3);
    expect(third.asked).toEqual([]);
    expect(await eventRuns('live-scores-update')).toBe(1);
    expect(await eventRuns('event-live-update')).toBe(1);
  });
});
