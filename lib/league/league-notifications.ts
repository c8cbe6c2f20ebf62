import { z } from 'zod';

/**
 * What the database announces on `kickoff_league` (see the league_data migration's trigger)
 * and which runs each change starts at once, instead of waiting for the next scheduled tick:
 * a gameweek going live starts the live updates, a gameweek finishing starts the tournament
 * chain (the rest follows by `dependsOn`) and the post-match stats.
 */
export const leagueChannel = 'kickoff_league';

const change = z.object({ old: z.unknown(), new: z.unknown() });

export const leagueNotificationSchema = z.object({
  table: z.enum(['Event', 'Fixture']),
  id: z.number().int(),
  eventId: z.number().int().nullable(),
  changes: z.record(z.string(), change),
  /** The job whose transaction made the change (`kickoff.writer`), null for any other writer. */
  by: z.string().nullish(),
});
export type LeagueNotification = z.infer<typeof leagueNotificationSchema>;

export interface NotifiedRun {
  job: string;
  payload: Record<string, unknown>;
  /**
   * The same change seen by every worker (each listens) and repeated notifications yield one
   * run: enqueueRun dedupes on it.
   */
  requestId: string;
  /** Why, in words, for the run's source and the log. */
  reason: string;
}

const turnedOn = (notification: LeagueNotification, field: string) => notification.changes[field]?.new === true && notification.changes[field]?.old !== true;

/**
 * The runs a change calls for, never one of the job that made it (its own write would feed it
 * back); `minute` buckets fixture changes so a round of kickoffs starts one update.
 */
export function runsForNotification(notification: LeagueNotification, minute = Math.floor(Date.now() / 60_000)): NotifiedRun[] {
  return runsForChange(notification, minute).filter((run) => run.job !== notification.by);
}

/**
 * Whether an active run's payload asks for what `wanted` asks for: every field `wanted` names
 * is the same there or left to its default (a scheduled live-scores-update has no eventId and
 * updates the current gameweek, the one a fixture change is about).
 */
export function samePayload(active: unknown, wanted: Record<string, unknown>): boolean {
  const payload = active !== null && typeof active === 'object' ? (active as Record<string, unknown>) : {};
  return Object.entries(wanted).every(([key, value]) => payload[key] === undefined || payload[key] === value);
}

function runsForChange(notification: LeagueNotification, minute: number): NotifiedRun[] {
  const eventId = notification.eventId ?? notification.id;
  if (notification.table === 'Event') {
    const runs: NotifiedRun[] = [];
    if (turnedOn(notification, 'isLive')) {
      const reason = `gameweek ${eventId} went live`;
      runs.push({ job: 'event-live-update', payload: { eventId }, requestId: `notify:event:${eventId}:live`, reason });
      runs.push({ job: 'live-scores-update', payload: { eventId }, requestId: `notify:event:${eventId}:live`, reason });
    }
    if (turnedOn(notification, 'finished')) {
      const reason = `gameweek ${eventId} finished`;
      runs.push({ job: 'event-live-update', payload: { eventId }, requestId: `notify:event:${eventId}:finished`, reason });
      runs.push({ job: 'points-race-update', payload: { eventId }, requestId: `notify:event:${eventId}:finished`, reason });
      runs.push({ job: 'stats-update', payload: { source: 'post-match', eventId }, requestId: `notify:event:${eventId}:finished`, reason });
    }
    return runs;
  }
  if (turnedOn(notification, 'started') || turnedOn(notification, 'finished')) {
    // The players' live stats and the gameweek's own flags follow the fixtures (the last one
    // finishing finishes the gameweek).
    const what = turnedOn(notification, 'finished') ? 'finished' : 'kicked off';
    const requestId = `notify:fixtures:${eventId}:${minute}`;
    const reason = `fixture ${notification.id} ${what}`;
    return [
      { job: 'live-scores-update', payload: { eventId }, requestId, reason },
      { job: 'event-live-update', payload: { eventId }, requestId, reason },
    ];
  }
  return [];
}
