import { describe, expect, it } from 'vitest';
import {
  canTransition,
  failedAttemptOutcome,
  finalStatuses,
  isCancellable,
  isFinal,
  isRetryable,
  isWaiting,
  runStatuses,
  stateRank,
  type RunStatus,
} from './run-state.ts';

describe('run states', () => {
  it('never moves a final run', () => {
    for (const from of finalStatuses) for (const to of runStatuses) expect(canTransition(from, to)).toBe(false);
  });

  it('follows the design: queued → running → completed | failed, running → retrying → running', () => {
    expect(canTransition('queued', 'running')).toBe(true);
    expect(canTransition('running', 'completed')).toBe(true);
    expect(canTransition('running', 'retrying')).toBe(true);
    expect(canTransition('retrying', 'running')).toBe(true);
    expect(canTransition('queued', 'completed')).toBe(false);
    expect(canTransition('retrying', 'completed')).toBe(false);
  });

  it('ranks every transition forward: a write never lowers the rank within an attempt', () => {
    for (const from of runStatuses) {
      for (const to of runStatuses) {
        if (canTransition(from, to) && from !== to && to !== 'running') expect(stateRank[to], `${from} → ${to}`).toBeGreaterThan(stateRank[from]);
      }
    }
    for (const status of finalStatuses) expect(stateRank[status]).toBe(Math.max(...Object.values(stateRank)));
  });

  it('says which runs may be retried, cancelled, or are waiting for a worker', () => {
    const table = Object.fromEntries(runStatuses.map((status) => [status, [isRetryable(status), isCancellable(status), isWaiting(status), isFinal(status)]]));
    expect(table).toEqual({
      queued: [false, true, true, false],
      running: [false, true, false, false],
      retrying: [false, true, true, false],
      completed: [false, false, false, true],
      failed: [true, false, false, true],
      cancelled: [true, false, false, true],
      skipped: [false, false, false, true],
    } satisfies Record<RunStatus, boolean[]>);
  });

  it('decides what a thrown attempt becomes', () => {
    const attempt = { cancelled: false, unrecoverable: false, triesUsed: 1, maxAttempts: 3 };
    expect(failedAttemptOutcome(attempt)).toBe('retrying');
    expect(failedAttemptOutcome({ ...attempt, triesUsed: 3 })).toBe('failed');
    expect(failedAttemptOutcome({ ...attempt, unrecoverable: true })).toBe('failed');
    expect(failedAttemptOutcome({ ...attempt, cancelled: true, unrecoverable: true })).toBe('cancelled');
  });
});
