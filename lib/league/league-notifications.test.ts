import { describe, expect, it } from 'vitest';
import { runsForNotification, type LeagueNotification } from './league-notifications.ts';

const event = (changes: LeagueNotification['changes']): LeagueNotification => ({ table: 'Event', id: 7, eventId: 7, changes });

describe('which runs a league change starts', () => {
  it('a gameweek going live starts the live updates', () => {
    const runs = runsForNotification(event({ isLive: { old: false, new: true } }));
    expect(runs.map((run) => run.job)).toEqual(['event-live-update', 'live-scores-update']);
    expect(runs[0]).toMatchObject({ payload: { eventId: 7 }, reason: 'gameweek 7 went live' });
  });

  it('a gameweek finishing starts its last live update, the tournament chain and the post-match stats', () => {
    const runs = runsForNotification(event({ finished: { old: false, new: true }, isLive: { old: true, new: false } }));
    expect(runs.map((run) => run.job)).toEqual(['event-live-update', 'points-race-update', 'stats-update']);
    expect(runs.find((run) => run.job === 'stats-update')?.payload).toEqual({ source: 'post-match', eventId: 7 });
    expect(new Set(runs.map((run) => run.requestId)).size).toBe(1); // one id per change; runs are per job
  });

  it('a round of kickoffs in one minute is one live update; other changes start nothing', () => {
    const kickoff = (id: number) => runsForNotification({ table: 'Fixture', id, eventId: 7, changes: { started: { old: false, new: true } } }, 1_000);
    expect(kickoff(61).map((run) => run.job)).toEqual(['live-scores-update', 'event-live-update']);
    expect(kickoff(61)[0]!.requestId).toBe(kickoff(62)[0]!.requestId);
    expect(kickoff(61)[0]!.reason).toBe('fixture 61 kicked off');
    expect(runsForNotification(event({ deadlineTime: { old: '2026-08-22T11:00:00Z', new: '2026-08-22T12:00:00Z' } }))).toEqual([]);
    expect(runsForNotification(event({ isLive: { old: true, new: false } }))).toEqual([]);
    expect(runsForNotification({ table: 'Fixture', id: 1, eventId: 7, changes: { finishedProvisional: { old: false, new: true } } })).toEqual([]);
  });
});
