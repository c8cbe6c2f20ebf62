import { describe, expect, it } from 'vitest';
import { assertValidSchedule, describeHours, describeMoment, describeSchedule, isWithinWindow, lastDueBefore, nextFireTimes } from './schedule.ts';

describe('schedules', () => {
  it('describes cron and interval schedules in words, always naming the timezone', () => {
    expect(describeSchedule({ cron: '* 0-7,19-23 * * *', tz: 'Europe/London' })).toBe(
      'Every minute, between 00:00 and 07:59 and between 19:00 and 23:59 (Europe/London)',
    );
    expect(describeSchedule({ cron: '@daily', tz: 'UTC' })).toBe('At 00:00 (UTC)');
    expect(describeSchedule({ every: 60_000 })).toBe('Every minute');
    expect(describeSchedule({ every: 300_000 })).toBe('Every 5 minutes');
    expect(describeSchedule(null)).toBe('Manual only');
  });

  it('gives the next fire times in the schedule timezone across a daylight-saving change', () => {
    // London moves from BST (UTC+1) to GMT on 2026-10-25 at 02:00 local.
    const from = new Date('2026-10-23T12:00:00Z');
    const fires = nextFireTimes({ cron: '30 6 * * *', tz: 'Europe/London' }, 3, from).map((date) => date.toISOString());
    expect(fires).toEqual(['2026-10-24T05:30:00.000Z', '2026-10-25T06:30:00.000Z', '2026-10-26T06:30:00.000Z']);
  });

  it('aligns interval fire times to the interval', () => {
    const fires = nextFireTimes({ every: 60_000 }, 2, new Date('2026-01-01T00:00:30Z'));
    expect(fires.map((date) => date.toISOString())).toEqual(['2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z']);
  });

  it('rejects a bad cron, a bad timezone and a too-short interval with a reason', () => {
    expect(() => assertValidSchedule({ cron: '61 * * * *' })).toThrow(/cron "61 \* \* \* \*" is not valid/);
    expect(() => assertValidSchedule({ cron: '* * *' })).toThrow(/five fields/);
    expect(() => assertValidSchedule({ cron: '@daily', tz: 'Mars/Olympus' })).toThrow(/unknown timezone/);
    expect(() => assertValidSchedule({ every: 10 })).toThrow(/at least 1000/);
    expect(() => assertValidSchedule({ cron: '*/5 0-4,18-23 * * *', tz: 'Europe/London' })).not.toThrow();
  });
});

describe('windows', () => {
  it('reads the hours in the window timezone, across daylight saving', () => {
    const window = { hours: '0-7,19-23', tz: 'Europe/London' };
    // 18:30 UTC in summer is 19:30 in London (inside); in winter it is 18:30 (outside).
    expect(isWithinWindow(window, new Date('2026-07-01T18:30:00Z'))).toBe(true);
    expect(isWithinWindow(window, new Date('2026-12-01T18:30:00Z'))).toBe(false);
    expect(isWithinWindow(window, new Date('2026-12-01T07:59:00Z'))).toBe(true);
    expect(isWithinWindow(window, new Date('2026-12-01T12:00:00Z'))).toBe(false);
  });

  it('holds at any second of an hour inside, not only at the top of a minute (a job clock reads any moment)', () => {
    expect(isWithinWindow({ hours: '14', tz: 'UTC' }, new Date('2026-08-22T14:05:37.250Z'))).toBe(true);
    expect(isWithinWindow({ hours: '14', tz: 'UTC' }, new Date('2026-08-22T15:00:00.000Z'))).toBe(false);
    // The specification's match time, in Beijing time: Saturday's 12:30 UTC kick-off is inside.
    expect(isWithinWindow({ hours: '0-7,19-23', tz: 'Asia/Shanghai' }, new Date('2026-08-22T12:30:10Z'))).toBe(true);
    expect(isWithinWindow({ hours: '0-7,19-23', tz: 'Asia/Shanghai' }, new Date('2026-08-23T03:00:00Z'))).toBe(false);
  });

  it('says a window and a moment in words for a skipped run’s reason', () => {
    expect(describeHours('0-7,19-23')).toBe('00:00–07:59, 19:00–23:59');
    expect(describeHours('6,8,10')).toBe('06:00–06:59, 08:00–08:59, 10:00–10:59');
    expect(describeHours('*')).toBe('00:00–23:59');
    expect(describeHours('nonsense')).toBe('hours nonsense');
    expect(describeMoment(new Date('2026-08-22T14:05:59Z'))).toBe('Sat 22 Aug 14:05');
    expect(describeMoment(new Date('2026-08-22T14:05:00Z'), 'Asia/Shanghai')).toBe('Sat 22 Aug 22:05');
  });

  it('finds the last time a schedule was due, in its timezone', () => {
    // 06:20 London in summer is 05:20 UTC; at 05:30 UTC the 06:20 fire is the last one due.
    expect(lastDueBefore({ cron: '20 6,8,10 * * *', tz: 'Europe/London' }, new Date('2026-08-10T05:30:00Z')).toISOString()).toBe('2026-08-10T05:20:00.000Z');
    expect(lastDueBefore({ cron: '20 6,8,10 * * *', tz: 'Europe/London' }, new Date('2026-08-10T05:19:00Z')).toISOString()).toBe('2026-08-09T09:20:00.000Z');
    expect(lastDueBefore({ cron: '@hourly', tz: 'UTC' }, new Date('2026-08-10T05:00:00Z')).toISOString()).toBe('2026-08-10T05:00:00.000Z');
    expect(lastDueBefore({ every: 60_000 }, new Date('2026-08-10T05:00:30Z')).toISOString()).toBe('2026-08-10T04:59:30.000Z');
  });
});
