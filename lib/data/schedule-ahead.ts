import { db } from '../db.ts';
import { allJobs } from '../jobs/catalog.ts';
import type { ScheduleOptions } from '../jobs/define-job.ts';
import { describeSchedule, fireTimesBetween, windowOpenBetween } from '../jobs/schedule.ts';

/**
 * What a scheduled fire is predicted to do: run, or be skipped because the job is disabled,
 * paused, or its window is closed then. A handler's condition (a live gameweek, a deadline
 * near) is the worker's to judge at the time, so a fire predicted to run may still be skipped.
 */
export type FireOutcome = 'runs' | 'window-closed' | 'paused' | 'disabled';

export interface ScheduledJobDto {
  name: string;
  category: string;
  words: string;
  enabled: boolean;
  pausedUntil: string | null;
  window: { hours: string; tz: string } | null;
  /** Where the window is open inside the horizon (for a job with a window). */
  windowOpen: { from: string; to: string }[];
  /** Fires in the horizon (at most `fireLimit`; `truncated` says there were more). */
  totalFires: number;
  truncated: boolean;
  /** Each fire, for a job with at most `listedFireLimit` of them; else empty (see `spans`). */
  fires: { at: string; outcome: FireOutcome }[];
  /** Consecutive fires of one outcome, merged: what a job that fires every minute looks like. */
  spans: { from: string; to: string; outcome: FireOutcome; fires: number }[];
}

export interface ScheduleAheadDto {
  from: string;
  to: string;
  jobs: ScheduledJobDto[];
}

const fireLimit = 3_000;
export const listedFireLimit = 48;

/** Every scheduled job's fires in the next `hours`, each with what it is predicted to do. */
export async function scheduleAhead(hours: number, now = new Date()): Promise<ScheduleAheadDto> {
  const to = new Date(now.getTime() + hours * 3_600_000);
  const rows = await db().jobDefinition.findMany({ select: { name: true, enabled: true, pausedUntil: true, scheduleOverride: true } });
  const rowByName = new Map(rows.map((row) => [row.name, row]));
  const jobs: ScheduledJobDto[] = [];
  for (const job of allJobs()) {
    const row = rowByName.get(job.name);
    const schedule = ((row?.scheduleOverride as ScheduleOptions | null | undefined) ?? job.schedule) || null;
    if (!schedule) continue;
    const enabled = row?.enabled ?? true;
    const pausedUntil = row?.pausedUntil && row.pausedUntil > now ? row.pausedUntil : null;
    const windowOpen = job.window ? windowOpenBetween(job.window, now, to) : [];
    const { times, truncated } = fireTimesBetween(schedule, now, to, fireLimit);
    const outcomeAt = (at: Date): FireOutcome => {
      if (!enabled) return 'disabled';
      if (pausedUntil && at < pausedUntil) return 'paused';
      if (job.window && !windowOpen.some((open) => open.from <= at && at < open.to)) return 'window-closed';
      return 'runs';
    };
    const fires = times.map((at) => ({ at, outcome: outcomeAt(at) }));
    const spans: ScheduledJobDto['spans'] = [];
    for (const fire of fires) {
      const last = spans.at(-1);
      if (last && last.outcome === fire.outcome) {
        last.to = fire.at.toISOString();
        last.fires += 1;
      } else spans.push({ from: fire.at.toISOString(), to: fire.at.toISOString(), outcome: fire.outcome, fires: 1 });
    }
    jobs.push({
      name: job.name,
      category: job.category,
      words: describeSchedule(schedule),
      enabled,
      pausedUntil: pausedUntil?.toISOString() ?? null,
      window: job.window,
      windowOpen: windowOpen.map((open) => ({ from: open.from.toISOString(), to: open.to.toISOString() })),
      totalFires: fires.length,
      truncated,
      fires: fires.length <= listedFireLimit ? fires.map((fire) => ({ at: fire.at.toISOString(), outcome: fire.outcome })) : [],
      spans,
    });
  }
  return { from: now.toISOString(), to: to.toISOString(), jobs };
}
