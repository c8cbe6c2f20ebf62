import { z } from 'zod';

/**
 * The dates a request may carry: ISO 8601 with an offset, within years 1–9999. PostgreSQL
 * refuses year 0 and before (22008), and JavaScript's own range ends at +275760; the four
 * digits of ISO 8601 are a bound both sides keep.
 */
export const earliestDate = new Date('0001-01-01T00:00:00.000Z');
export const latestDate = new Date('9999-12-31T23:59:59.999Z');

export function isStorableDate(date: Date): boolean {
  const time = date.getTime();
  return Number.isFinite(time) && time >= earliestDate.getTime() && time <= latestDate.getTime();
}

const outOfRange = 'is outside the years 0001–9999';

/** An ISO 8601 date-time string, checked and kept as a string (for fields stored as sent). */
export const isoDateTimeString = z.iso
  .datetime({ offset: true, error: 'expected an ISO 8601 date-time' })
  .refine((value) => isStorableDate(new Date(value)), outOfRange);

/** An ISO 8601 date-time, read into a Date. */
export const isoDateTime = isoDateTimeString.transform((value) => new Date(value));
