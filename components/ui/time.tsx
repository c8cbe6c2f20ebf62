'use client';

import { useTimeZone } from '../time-zone.tsx';
import { formatFullTime, formatRelative, formatTime } from './format.ts';

/**
 * Every time the dashboard shows: today's short (14:03:22), older ones dated (28 Nov 14:03), in
 * the person's display zone. The full date and time and how long ago are on hover (`title`) and
 * read out to screen readers.
 */
export function Time({ at, className }: { at: string | null | undefined; className?: string }) {
  const { zone } = useTimeZone();
  if (!at) return <span className={className}>—</span>;
  const relative = formatRelative(at);
  return (
    <time dateTime={at} title={`${formatFullTime(at, zone)} (${relative})`} className={className} suppressHydrationWarning>
      {formatTime(at, zone)}
      <span className="sr-only">, {relative}</span>
    </time>
  );
}
