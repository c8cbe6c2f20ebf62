import { describe, expect, it } from 'vitest';
import { formatFullTime, formatTime } from './format.ts';

describe('formatTime', () => {
  const now = new Date('2026-12-01T23:30:00Z');

  it("shows today's times short and other days' dated, in the zone asked for", () => {
    expect(formatTime('2026-12-01T14:03:22Z', 'UTC', now)).toBe('14:03:22 UTC');
    expect(formatTime('2026-11-28T14:03:22Z', 'UTC', now)).toBe('28 Nov 14:03 UTC');
    // 23:30 UTC is already 2 December in Berlin: 14:03 UTC on 1 December is another day there.
    expect(formatTime('2026-12-01T14:03:22Z', 'Europe/Berlin', now)).toBe('01 Dec 15:03');
    expect(formatTime('2026-12-01T23:10:00Z', 'Europe/Berlin', now)).toBe('00:10:00');
    expect(formatTime(null, 'UTC', now)).toBe('—');
  });

  it('gives the whole instant with its zone for hover text', () => {
    expect(formatFullTime('2026-12-01T14:03:22Z', 'Europe/London')).toBe('Tue, 1 Dec 2026, 14:03:22 GMT');
  });
});
