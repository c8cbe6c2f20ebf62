import { db } from '../db.ts';
import { leagueClock } from '../league/league-clock.ts';

/** The instant the league's timing metrics are measured at: league time (lib/league/league-clock.ts). */
export function leagueMetricsNow(): Promise<Date> {
  return leagueClock().now();
}

export interface LeagueTiming {
  /** A match is in play (kicked off, not finished): the live jobs' window is open. */
  matchWindowOpen: boolean;
  /** Until the next kick-off of a match not started, and its gameweek; null when none is scheduled. */
  nextFixture: { seconds: number; gameweek: number } | null;
  /** Until the next gameweek deadline, and that gameweek; null after the last. */
  nextDeadline: { seconds: number; gameweek: number } | null;
}

/** The timing metrics from the league tables (three indexed reads). */
export async function readLeagueTiming(at?: Date): Promise<LeagueTiming> {
  const now = at ?? (await leagueMetricsNow());
  const [inPlay, fixture, event] = await Promise.all([
    db().fixture.count({ where: { started: true, finished: false } }),
    db().fixture.findFirst({ where: { started: false, kickoffTime: { gt: now } }, orderBy: { kickoffTime: 'asc' }, select: { kickoffTime: true, eventId: true } }),
    db().event.findFirst({ where: { deadlineTime: { gt: now } }, orderBy: { deadlineTime: 'asc' }, select: { deadlineTime: true, id: true } }),
  ]);
  const until = (time: Date) => (time.getTime() - now.getTime()) / 1_000;
  return {
    matchWindowOpen: inPlay > 0,
    nextFixture: fixture?.kickoffTime ? { seconds: until(fixture.kickoffTime), gameweek: fixture.eventId } : null,
    nextDeadline: event ? { seconds: until(event.deadlineTime), gameweek: event.id } : null,
  };
}
