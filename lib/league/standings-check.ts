/**
 * Checks of a league's stored standings, pure, for the leaderboard-validation job. The
 * upstream ranks by competition ranking (1, 2, 2, 4): entries level on points share a rank
 * and the next rank skips the shared places. So a repeated rank is a problem only when the
 * totals differ, and a gap only when a rank comes later than the places before it allow.
 */

export interface RankedRow {
  entryId: number;
  rank: number;
  total: number;
}

export type StandingsProblem =
  /** Entries with different totals share a rank. */
  | { kind: 'duplicate_rank'; rank: number; entryIds: number[] }
  /** A rank skips places: `rank` comes after only `rowsBefore` rows. */
  | { kind: 'rank_gap'; rank: number; rowsBefore: number };

/** What is wrong with one league's standings; empty when nothing is. */
export function standingsProblems(rows: readonly RankedRow[]): StandingsProblem[] {
  const sorted = [...rows].sort((a, b) => a.rank - b.rank || b.total - a.total || a.entryId - b.entryId);
  const problems: StandingsProblem[] = [];
  for (let start = 0; start < sorted.length; ) {
    const rank = sorted[start]!.rank;
    let end = start;
    while (end < sorted.length && sorted[end]!.rank === rank) end++;
    const group = sorted.slice(start, end);
    if (rank > start + 1) problems.push({ kind: 'rank_gap', rank, rowsBefore: start });
    if (new Set(group.map((row) => row.total)).size > 1) problems.push({ kind: 'duplicate_rank', rank, entryIds: group.map((row) => row.entryId) });
    start = end;
  }
  return problems;
}

/** A problem in words. */
export function describeStandingsProblem(leagueId: number, problem: StandingsProblem): string {
  return problem.kind === 'duplicate_rank'
    ? `league ${leagueId}: rank ${problem.rank} is held by entries ${problem.entryIds.join(', ')} with different totals`
    : `league ${leagueId}: rank ${problem.rank} comes after ${problem.rowsBefore} ${problem.rowsBefore === 1 ? 'entry' : 'entries'}; places are missing`;
}
