/** Human formatting shared by the tables. */
export { formatDuration } from '@/lib/format-duration.ts';

const dayOf = (date: Date, timeZone: string) => date.toLocaleDateString('en-CA', { timeZone });

/** Today's times short (14:03:22), other days' dated (28 Nov 14:03), in `timeZone` (default: the runtime's). */
export function formatTime(iso: string | null | undefined, timeZone?: string, now = new Date()): string {
  if (!iso) return '—';
  const date = new Date(iso);
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const utc = zone === 'UTC' ? ' UTC' : '';
  return dayOf(date, zone) === dayOf(now, zone)
    ? `${date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: zone })}${utc}`
    : `${date.toLocaleString('en-GB', { day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: zone }).replace(',', '')}${utc}`;
}

/** The whole instant with its zone, for hover text: "Tue, 1 Dec 2026, 14:03:22 GMT+1". */
export function formatFullTime(iso: string, timeZone?: string): string {
  return new Date(iso).toLocaleString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone, timeZoneName: 'short' });
}

export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const seconds = Math.round((new Date(iso).getTime() - now) / 1_000);
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(seconds, 'second');
  if (abs < 3_600) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return format.format(Math.round(seconds / 3_600), 'hour');
  return format.format(Math.round(seconds / 86_400), 'day');
}
