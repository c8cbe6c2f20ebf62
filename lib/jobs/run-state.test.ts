import { describe, expect, it } from 'vitest';
import { canTransition, finalStatuses, runStatuses } from './run-state.ts';

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
});
