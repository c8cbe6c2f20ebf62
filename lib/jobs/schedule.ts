import { CronExpressionParser } from 'cron-parser';
import cronstrue from 'cronstrue';
import type { ScheduleOptions } from './define-job.ts';

const macros: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
};

/** The five-field form of a cron expression (macros expanded). */
export function expandCron(cron: string): string {
  return macros[cron.trim()] ?? cron.trim();
}

/** Throws with a readable message when a schedule is not valid. */
export function assertValidSchedule(schedule: ScheduleOptions): void {
  if ('every' in schedule) {
    if (!Number.isInteger(schedule.every) || schedule.every < 1_000) throw new Error('`every` must be a whole number of milliseconds, at least 1000');
    return;
  }
  if (!isValidTimezone(schedule.tz ?? 'UTC')) throw new Error(`unknown timezone "${schedule.tz}"`);
  const expanded = expandCron(schedule.cron);
  if (expanded.split(/\s+/).length !== 5) throw new Error(`cron "${schedule.cron}" must have five fields or be @hourly, @daily or @weekly`);
  try {
    CronExpressionParser.parse(expanded, { tz: schedule.tz ?? 'UTC', strict: false });
  } catch (error) {
    throw new Error(`cron "${schedule.cron}" is not valid: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Schedules in words, by schedule: the job list asks for every job's on each request. */
const described = new Map<string, string>();

/** The schedule in words, e.g. "Every minute, between 00:00 and 07:59". */
export function describeSchedule(schedule: ScheduleOptions | null): string {
  if (!schedule) return 'Manual only';
  if ('every' in schedule) return `Every ${describeInterval(schedule.every)}`;
  const key = `${schedule.cron}|${schedule.tz ?? ''}`;
  let words = described.get(key);
  if (words === undefined) {
    words = describeCron(schedule);
    if (described.size > 1_000) described.clear();
    described.set(key, words);
  }
  return words;
}

function describeCron(schedule: { cron: string; tz?: string }): string {
  const words = cronstrue
    .toString(expandCron(schedule.cron), { use24HourTimeFormat: true, verbose: false })
    .replace(/(?:at )?(\d{2}:\d{2}) through (\d{2}:\d{2})/g, 'between $1 and $2');
  return schedule.tz && schedule.tz !== 'UTC' ? `${words} (${schedule.tz})` : `${words} (UTC)`;
}

function describeInterval(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1_000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms % size === 0) {
      const count = ms / size;
      return count === 1 ? name : `${count} ${name}s`;
    }
  }
  return `${ms} ms`;
}

/**
 * Computed fire times by schedule: they hold from when they were computed until the first of
 * them passes, and cron-parser takes about a millisecond per schedule (the job list asks for
 * every job's on each request).
 */
const upcoming = new Map<string, { from: number; times: Date[] }>();

/** The next `count` fire times after `from`. */
export function nextFireTimes(schedule: ScheduleOptions | null, count = 3, from = new Date()): Date[] {
  if (!schedule) return [];
  if ('every' in schedule) {
    const next = Math.floor(from.getTime() / schedule.every) * schedule.every + schedule.every;
    return Array.from({ length: count }, (_, index) => new Date(next + index * schedule.every));
  }
  const key = `${schedule.cron}|${schedule.tz ?? 'UTC'}|${count}`;
  const known = upcoming.get(key);
  const at = from.getTime();
  if (known && at >= known.from && known.times[0] && at < known.times[0].getTime()) return known.times.map((date) => new Date(date));
  const expression = CronExpressionParser.parse(expandCron(schedule.cron), { tz: schedule.tz ?? 'UTC', currentDate: from });
  const times = expression.take(count).map((date) => date.toDate());
  if (upcoming.size > 1_000) upcoming.clear();
  upcoming.set(key, { from: at, times });
  return times.map((date) => new Date(date));
}

/**
 * The start of the latest stretch in which the schedule must have fired by `at`: the last cron
 * fire time at or before `at`, or for `every` one interval before `at` (BullMQ counts `every`
 * from when the scheduler was created, not from the epoch).
 */
export function lastDueBefore(schedule: ScheduleOptions, at: Date): Date {
  if ('every' in schedule) return new Date(at.getTime() - schedule.every);
  const expression = CronExpressionParser.parse(expandCron(schedule.cron), { tz: schedule.tz ?? 'UTC', currentDate: new Date(at.getTime() + 1) });
  return expression.prev().toDate();
}

/** Whether `date` falls inside a window's hours, read in the window's timezone. */
export function isWithinWindow(window: { hours: string; tz: string }, date = new Date()): boolean {
  // Six fields, any second: a five-field expression holds only at second 0 of each minute.
  const expression = CronExpressionParser.parse(`* * ${window.hours} * * *`, { tz: window.tz });
  return expression.includesDate(date);
}

/** A window's hours in words, e.g. `'0-7,19-23'` → `00:00–07:59, 19:00–23:59`. */
export function describeHours(hours: string): string {
  let fields: readonly number[];
  try {
    fields = CronExpressionParser.parse(`0 ${hours} * * *`).fields.hour.values as readonly number[];
  } catch {
    return `hours ${hours}`;
  }
  const ranges: [number, number][] = [];
  for (const hour of [...fields].sort((a, b) => a - b)) {
    const last = ranges.at(-1);
    if (last && last[1] === hour - 1) last[1] = hour;
    else ranges.push([hour, hour]);
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return ranges.map(([from, to]) => `${pad(from)}:00–${pad(to)}:59`).join(', ');
}

/** A moment as a skipped run's reason names it, read in `tz`: `Sat 22 Aug 14:05`. */
export function describeMoment(date: Date, tz = 'UTC'): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.hour}:${parts.minute}`;
}

/**
 * The fire times in `[from, to)`, at most `limit` (a schedule may fire every second). A cron is
 * matched minute by minute against its fields in its timezone, not stepped through with
 * cron-parser's iterator: that takes about a millisecond a fire, and a day of a job that fires
 * every minute is 1,440 of them (the schedule view asks for every job's day).
 */
export function fireTimesBetween(schedule: ScheduleOptions, from: Date, to: Date, limit: number): { times: Date[]; truncated: boolean } {
  const times: Date[] = [];
  if ('every' in schedule) {
    for (let at = Math.floor(from.getTime() / schedule.every) * schedule.every + schedule.every; at < to.getTime(); at += schedule.every) {
      if (times.length === limit) return { times, truncated: true };
      times.push(new Date(at));
    }
    return { times, truncated: false };
  }
  const fields = CronExpressionParser.parse(expandCron(schedule.cron), { tz: schedule.tz ?? 'UTC' }).fields;
  const has = (values: readonly (number | string)[]) => new Set(values.map(Number));
  const [minutes, hours, days, months] = [has(fields.minute.values), has(fields.hour.values), has(fields.dayOfMonth.values), has(fields.month.values)];
  const weekdays = new Set([...has(fields.dayOfWeek.values)].map((day) => day % 7));
  const anyDay = fields.dayOfMonth.isWildcard;
  const anyWeekday = fields.dayOfWeek.isWildcard;
  const local = localClock(schedule.tz ?? 'UTC');
  // Cron's rule: with both day fields restricted, either may match.
  const dayMatches = (day: number, weekday: number) =>
    anyDay && anyWeekday ? true : anyDay ? weekdays.has(weekday) : anyWeekday ? days.has(day) : days.has(day) || weekdays.has(weekday);
  for (let at = Math.floor(from.getTime() / 60_000) * 60_000 + 60_000; at < to.getTime(); at += 60_000) {
    const clock = local(at);
    if (!minutes.has(clock.minute) || !hours.has(clock.hour) || !months.has(clock.month) || !dayMatches(clock.day, clock.weekday)) continue;
    if (times.length === limit) return { times, truncated: true };
    times.push(new Date(at));
  }
  return { times, truncated: false };
}

const weekdayNumbers: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** A clock for one timezone: an instant's minute, hour, day, month and weekday there, read once per hour of UTC. */
function localClock(tz: string): (at: number) => { minute: number; hour: number; day: number; month: number; weekday: number } {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
  const byQuarter = new Map<number, { minute: number; hour: number; day: number; month: number; weekday: number }>();
  return (at) => {
    // Offsets are whole quarter hours, so each quarter hour is read once and its minutes counted on.
    const quarter = Math.floor(at / 900_000);
    let start = byQuarter.get(quarter);
    if (!start) {
      const parts = Object.fromEntries(format.formatToParts(new Date(quarter * 900_000)).map((part) => [part.type, part.value]));
      start = { minute: Number(parts.minute), hour: Number(parts.hour), day: Number(parts.day), month: Number(parts.month), weekday: weekdayNumbers[parts.weekday!] ?? 0 };
      byQuarter.set(quarter, start);
    }
    return { ...start, minute: start.minute + Math.floor((at - quarter * 900_000) / 60_000) };
  };
}

/** The stretches of `[from, to)` a window is open in (whole hours of its timezone, merged). */
export function windowOpenBetween(window: { hours: string; tz: string }, from: Date, to: Date): { from: Date; to: Date }[] {
  const open: { from: Date; to: Date }[] = [];
  if (isWithinWindow(window, from)) open.push({ from, to: new Date(Math.min(nextHourStart(from, window.tz).getTime(), to.getTime())) });
  const starts = CronExpressionParser.parse(`0 ${window.hours} * * *`, { tz: window.tz, currentDate: from, endDate: to });
  while (starts.hasNext()) {
    const start = starts.next().toDate();
    if (start.getTime() >= to.getTime()) break;
    const end = new Date(Math.min(start.getTime() + 3_600_000, to.getTime()));
    const last = open.at(-1);
    if (last && last.to.getTime() >= start.getTime()) last.to = end;
    else open.push({ from: start, to: end });
  }
  return open;
}

/** The start of the hour after `date` in `tz` (an hour of a half-hour zone starts at :30 UTC). */
function nextHourStart(date: Date, tz: string): Date {
  return CronExpressionParser.parse('0 * * * *', { tz, currentDate: date }).next().toDate();
}
