/** Calendar days in UTC, as the league maintenance jobs count them (prize periods, the days checked). */

export const dayMs = 86_400_000;
export const isoDay = (date: Date) => date.toISOString().slice(0, 10);
export const startOfUtcDay = (date: Date) => new Date(`${isoDay(date)}T00:00:00Z`);
