/**
 * Upper bounds (seconds) of `kickoff_run_duration_seconds`'s buckets, 50 ms to 1 h: the range
 * Kickoff's jobs run in (a probe in milliseconds, a tournament refresh up to its 1 h timeout).
 * PostgreSQL buckets the runs with the same list (`kickoff_run_duration_bounds_ms()`, migration
 * `run_totals`); a test keeps the two equal.
 */
export const runDurationBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] as const;
