/**
 * The league_data migration's NOTIFY trigger on the real database: Event inserts and updates
 * and Fixture updates that change a watched field are announced on `kickoff_league` with the
 * old and new values; other writes are not.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/db.ts';

/** Ids well away from the simulator's (events 1..38, teams 1..20, fixtures 1..380) and other tests'. */
const EVENT = 9401;
const OTHER_EVENT = 9402;
const HOME = 9401;
const AWAY = 9402;
const FIXTURE = 9401;
const OTHER_FIXTURE = 9402;
const ours = { Event: new Set([EVENT, OTHER_EVENT]), Fixture: new Set([FIXTURE, OTHER_FIXTURE]) };

interface LeagueNotice {
  table: 'Event' | 'Fixture';
  id: number;
  eventId: number;
  changes: Record<string, { old: unknown; new: unknown }>;
}

const listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
const notices: LeagueNotice[] = [];

/** The next notice about our rows, in the order they were sent. */
async function nextNotice(): Promise<LeagueNotice> {
  await vi.waitFor(
    () => {
      if (notices.length === 0) throw new Error('no notification on kickoff_league yet');
    },
    { timeout: 5_000, interval: 10 },
  );
  return notices.shift()!;
}

/**
 * Asserts that the writes since the last notice sent none: a write that does notify (the
 * sentinel) is made, and its notice must be the next one (a session's notices arrive in order).
 */
async function expectNoNoticeBefore(sentinel: () => Promise<unknown>, expected: Partial<LeagueNotice>): Promise<void> {
  await sentinel();
  expect(await nextNotice()).toMatchObject(expected);
}

async function cleanUp(): Promise<void> {
  await db().event.deleteMany({ where: { id: { in: [EVENT, OTHER_EVENT] } } }); // fixtures cascade
  await db().team.deleteMany({ where: { id: { in: [HOME, AWAY] } } });
}

const eventData = (id: number) => ({
  id,
  name: `Gameweek ${id}`,
  deadlineTime: new Date('2026-08-22T11:00:00Z'),
  isPrevious: false,
  isCurrent: false,
  isNext: true,
  finished: false,
  dataChecked: false,
});

beforeAll(async () => {
  await cleanUp();
  await listener.connect();
  listener.on('notification', (message) => {
    if (message.channel !== 'kickoff_league' || !message.payload) return;
    const notice = JSON.parse(message.payload) as LeagueNotice;
    if (ours[notice.table]?.has(notice.id)) notices.push(notice);
  });
  await listener.query('LISTEN kickoff_league');
});

afterAll(async () => {
  await cleanUp();
  await listener.end();
  await db().$disconnect();
});

describe('kickoff_league notifications', () => {
  it('an Event insert announces every watched field with old null', async () => {
    await db().event.create({ data: eventData(EVENT) });
    expect(await nextNotice()).toEqual({
      table: 'Event',
      id: EVENT,
      eventId: EVENT,
      changes: {
        isCurrent: { old: null, new: false },
        isLive: { old: null, new: false },
        finished: { old: null, new: false },
        dataChecked: { old: null, new: false },
        deadlineTime: { old: null, new: '2026-08-22T11:00:00Z' },
      },
    });
  });

  it('an Event update announces only the watched fields that changed, old and new', async () => {
    await db().event.update({ where: { id: EVENT }, data: { isCurrent: true, isNext: false, isLive: true, highestScore: 80 } });
    expect(await nextNotice()).toEqual({
      table: 'Event',
      id: EVENT,
      eventId: EVENT,
      changes: { isCurrent: { old: false, new: true }, isLive: { old: false, new: true } },
    });

    await db().event.update({ where: { id: EVENT }, data: { deadlineTime: new Date('2026-08-22T11:30:00.250Z') } });
    expect((await nextNotice()).changes).toEqual({ deadlineTime: { old: '2026-08-22T11:00:00Z', new: '2026-08-22T11:30:00.25Z' } });
    expect(new Date('2026-08-22T11:30:00.25Z').toISOString()).toBe('2026-08-22T11:30:00.250Z');

    await db().event.update({ where: { id: EVENT }, data: { finished: true, isLive: false, dataChecked: true } });
    expect((await nextNotice()).changes).toEqual({
      isLive: { old: true, new: false },
      finished: { old: false, new: true },
      dataChecked: { old: false, new: true },
    });
  });

  it('an Event update of unwatched fields only, or to the same values, sends nothing', async () => {
    await db().event.update({ where: { id: EVENT }, data: { name: 'Renamed', averageEntryScore: 55, highestScore: 99, isPrevious: true } });
    await db().event.update({ where: { id: EVENT }, data: { finished: true, isLive: false } }); // unchanged values
    await db().$executeRaw`UPDATE "Event" SET "updatedAt" = now() WHERE id = ${EVENT}`;
    await expectNoNoticeBefore(() => db().event.create({ data: eventData(OTHER_EVENT) }), { table: 'Event', id: OTHER_EVENT });
  });

  it('Fixture updates of started, finished and finishedProvisional are announced with the event id; others are not', async () => {
    await db().team.createMany({
      data: [
        { id: HOME, name: 'Home Test', shortName: 'HOM', strength: 3 },
        { id: AWAY, name: 'Away Test', shortName: 'AWA', strength: 3 },
      ],
    });
    const fixture = { id: FIXTURE, eventId: EVENT, teamHId: HOME, teamAId: AWAY, kickoffTime: new Date('2026-08-22T12:30:00Z'), started: false, finished: false, finishedProvisional: false, minutes: 0 };
    // inserts are not announced
    await db().fixture.createMany({ data: [fixture, { ...fixture, id: OTHER_FIXTURE, eventId: OTHER_EVENT }] });
    await db().fixture.update({ where: { id: FIXTURE }, data: { minutes: 0, teamHScore: null } });

    await db().fixture.update({ where: { id: FIXTURE }, data: { started: true, minutes: 1, teamHScore: 0, teamAScore: 0 } });
    expect(await nextNotice()).toEqual({ table: 'Fixture', id: FIXTURE, eventId: EVENT, changes: { started: { old: false, new: true } } });

    // the score and minutes ticking: nothing
    await db().fixture.update({ where: { id: FIXTURE }, data: { minutes: 45, teamHScore: 1 } });
    await db().fixture.update({ where: { id: FIXTURE }, data: { minutes: 90, teamAScore: 2 } });
    await expectNoNoticeBefore(() => db().fixture.update({ where: { id: FIXTURE }, data: { finishedProvisional: true } }), {
      table: 'Fixture',
      changes: { finishedProvisional: { old: false, new: true } },
    });

    // one statement over several rows (as a bulk sync writes): a notice per row, each with its event
    await db().fixture.updateMany({ where: { id: { in: [FIXTURE, OTHER_FIXTURE] } }, data: { finished: true } });
    const both = [await nextNotice(), await nextNotice()].sort((a, b) => a.id - b.id);
    expect(both).toEqual([
      { table: 'Fixture', id: FIXTURE, eventId: EVENT, changes: { finished: { old: false, new: true } } },
      { table: 'Fixture', id: OTHER_FIXTURE, eventId: OTHER_EVENT, changes: { finished: { old: false, new: true } } },
    ]);
    expect(notices).toEqual([]);
  });
});
