/** The standings checks of leaderboard-validation: competition ranking passes, real gaps and duplicates do not. */
import { describe, expect, it } from 'vitest';
import { describeStandingsProblem, standingsProblems } from './standings-check.ts';

const rows = (...ranked: [rank: number, total: number][]) => ranked.map(([rank, total], i) => ({ entryId: i + 1, rank, total }));

describe('standingsProblems', () => {
  it('accepts contiguous ranks and ties that share a rank (1, 2, 2, 4)', () => {
    expect(standingsProblems(rows([1, 90], [2, 80], [3, 70]))).toEqual([]);
    expect(standingsProblems(rows([1, 90], [2, 80], [2, 80], [4, 70]))).toEqual([]);
    expect(standingsProblems([])).toEqual([]);
  });

  it('reports a rank shared by different totals', () => {
    expect(standingsProblems(rows([1, 90], [2, 80], [2, 75], [4, 70]))).toEqual([{ kind: 'duplicate_rank', rank: 2, entryIds: [2, 3] }]);
  });

  it('reports skipped places, also at the top', () => {
    expect(standingsProblems(rows([1, 90], [2, 80], [5, 70]))).toEqual([{ kind: 'rank_gap', rank: 5, rowsBefore: 2 }]);
    expect(standingsProblems(rows([3, 90]))).toEqual([{ kind: 'rank_gap', rank: 3, rowsBefore: 0 }]);
  });

  it('reads the rows in any order', () => {
    expect(standingsProblems(rows([4, 70], [2, 80], [1, 90], [2, 80]))).toEqual([]);
  });

  it('says it in words', () => {
    expect(describeStandingsProblem(7, { kind: 'duplicate_rank', rank: 2, entryIds: [4, 9] })).toBe('league 7: rank 2 is held by entries 4, 9 with different totals');
    expect(describeStandingsProblem(7, { kind: 'rank_gap', rank: 3, rowsBefore: 1 })).toBe('league 7: rank 3 comes after 1 entry; places are missing');
  });
});
