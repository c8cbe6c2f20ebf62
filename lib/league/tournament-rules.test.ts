import { describe, expect, it } from 'vitest';
import {
  knockoutPairs,
  knockoutRounds,
  pointsRaceOrder,
  roundRobinPairs,
  scoreTournament,
  seedByTotal,
  seedingEvents,
  seedsFor,
  tieWinner,
  type EventScore,
  type ScoreLookup,
  type TournamentKind,
} from './tournament-rules.ts';

/** Scores from a table: scores[entry][event] = points (totals accumulate from event 1; rank = entry id unless given). */
function lookup(points: Record<number, Record<number, number>>, ranks: Record<number, Record<number, number | null>> = {}): ScoreLookup {
  return (entryId, eventId) => {
    const row = points[entryId];
    if (!row || row[eventId] === undefined) return undefined;
    const totalPoints = Object.entries(row)
      .filter(([event]) => Number(event) <= eventId)
      .reduce((sum, [, p]) => sum + p, 0);
    const overallRank = ranks[entryId]?.[eventId] !== undefined ? ranks[entryId]![eventId]! : entryId;
    return { points: row[eventId]!, totalPoints, overallRank } satisfies EventScore;
  };
}

const input = (kind: TournamentKind, entrants: number[], startEvent: number, endEvent: number, events: number[], score: ScoreLookup) => ({
  kind,
  entrants,
  startEvent,
  endEvent,
  events,
  score,
});

describe('roundRobinPairs', () => {
  const meetings = (n: number, rounds: number) => {
    const order = Array.from({ length: n }, (_, i) => i + 1);
    const met = new Map<string, number>();
    const byes = new Map<number, number>();
    for (let round = 0; round < rounds; round++) {
      const pairs = roundRobinPairs(order, round);
      const seen = pairs.flatMap(([a, b]) => (b === null ? [a] : [a, b]));
      expect(new Set(seen).size).toBe(n); // everyone exactly once a round
      for (const [a, b] of pairs) {
        if (b === null) byes.set(a, (byes.get(a) ?? 0) + 1);
        else met.set([a, b].sort((x, y) => x - y).join('-'), (met.get([a, b].sort((x, y) => x - y).join('-')) ?? 0) + 1);
      }
    }
    return { met, byes };
  };

  it('meets everyone once in n − 1 rounds for an even field', () => {
    const { met, byes } = meetings(6, 5);
    expect(met.size).toBe(15);
    expect([...met.values()].every((count) => count === 1)).toBe(true);
    expect(byes.size).toBe(0);
  });

  it('gives each entrant one bye in n rounds for an odd field', () => {
    const { met, byes } = meetings(5, 5);
    expect(met.size).toBe(10);
    expect([...met.values()].every((count) => count === 1)).toBe(true);
    expect([...byes.values()]).toEqual([1, 1, 1, 1, 1]);
  });

  it('repeats the cycle after it and is deterministic', () => {
    expect(roundRobinPairs([1, 2, 3, 4], 3)).toEqual(roundRobinPairs([1, 2, 3, 4], 0));
    expect(roundRobinPairs([1, 2, 3, 4], 0)).toEqual([
      [1, 4],
      [2, 3],
    ]);
    expect(roundRobinPairs([7], 0)).toEqual([[7, null]]);
    expect(roundRobinPairs([], 0)).toEqual([]);
  });
});

describe('knockoutPairs', () => {
  it('pairs best against worst', () => {
    expect(knockoutPairs([1, 2, 3, 4, 5, 6])).toEqual([
      { home: 1, away: 6 },
      { home: 2, away: 5 },
      { home: 3, away: 4 },
    ]);
  });

  it('gives the best seed a bye when the field is odd', () => {
    expect(knockoutPairs([4, 9, 2, 7, 1])).toEqual([
      { home: 4, away: null },
      { home: 9, away: 1 },
      { home: 2, away: 7 },
    ]);
  });

  it('needs ceil(log2 n) rounds', () => {
    expect([1, 2, 3, 4, 5, 8, 9, 19, 32].map(knockoutRounds)).toEqual([0, 1, 2, 2, 3, 3, 4, 5, 5]);
  });
});

describe('tieWinner', () => {
  const score = (points: number, overallRank: number | null): EventScore => ({ points, totalPoints: 0, overallRank });

  it('sends the higher event score through', () => {
    expect(tieWinner({ entryId: 1, score: score(40, 10) }, { entryId: 2, score: score(55, 900) })).toBe(2);
  });

  it('breaks a level score on the better overall rank, a missing rank being worst', () => {
    expect(tieWinner({ entryId: 1, score: score(50, 300) }, { entryId: 2, score: score(50, 12) })).toBe(2);
    expect(tieWinner({ entryId: 1, score: score(50, null) }, { entryId: 2, score: score(50, 5_000) })).toBe(2);
  });

  it('then on the lower entry id; a missing score counts as 0 points', () => {
    expect(tieWinner({ entryId: 8, score: score(50, 7) }, { entryId: 3, score: score(50, 7) })).toBe(3);
    expect(tieWinner({ entryId: 8, score: undefined }, { entryId: 3, score: undefined })).toBe(3);
    expect(tieWinner({ entryId: 8, score: score(1, null) }, { entryId: 3, score: undefined })).toBe(8);
  });
});

describe('seeding', () => {
  it('seeds by the total before the first event, then the lower id', () => {
    const score = lookup({ 1: { 1: 50 }, 2: { 1: 70 }, 3: { 1: 50 }, 4: {} });
    expect(seedByTotal([4, 3, 2, 1], 1, score)).toEqual([2, 1, 3, 4]);
    expect(seedByTotal([4, 3, 2, 1], 0, score)).toEqual([1, 2, 3, 4]);
    expect(seedingEvents('knockout', 2)).toEqual([1]);
    expect(seedingEvents('cup', 3)).toEqual([1, 2]);
    expect(seedingEvents('points_race', 1)).toEqual([]);
  });

  it('seeds a cup from the points race after its first event, ties by the points race seed', () => {
    // the points race starts at 2 (seeded by totals after 1); the cup starts at 3
    const score = lookup({ 1: { 1: 90, 2: 40 }, 2: { 1: 10, 2: 70 }, 3: { 1: 50, 2: 40 } });
    expect(pointsRaceOrder([1, 3, 2], [2], score)).toEqual([2, 1, 3]);
    expect(seedsFor({ kind: 'cup', entrants: [3, 2, 1], startEvent: 3, score })).toEqual([2, 1, 3]);
  });
});

describe('scoreTournament', () => {
  const score = lookup({
    1: { 1: 60, 2: 50, 3: 40 },
    2: { 1: 50, 2: 50, 3: 70 },
    3: { 1: 40, 2: 65, 3: 30 },
    4: { 1: 30, 2: 20, 3: 90 },
    5: { 1: 20, 2: 50 }, // no score in event 3 (deleted since)
  });
  const entrants = [5, 4, 3, 2, 1];

  it('points race: sums event points, one row per entrant per event, ties by seed', () => {
    const outcome = scoreTournament(input('points_race', entrants, 2, 38, [2, 3], score));
    expect(outcome.results).toHaveLength(10);
    expect(outcome.results.filter((r) => r.eventId === 3 && r.homeEntryId === 5)).toEqual([
      { eventId: 3, round: 2, homeEntryId: 5, awayEntryId: null, homePoints: 0, awayPoints: null, winnerEntryId: null },
    ]);
    // 4: 110, 2: 120, 3: 95, 1: 90, 5: 50
    expect(outcome.standings.map((s) => [s.entryId, s.rank, s.points, s.played])).toEqual([
      [2, 1, 120, 2],
      [4, 2, 110, 2],
      [3, 3, 95, 2],
      [1, 4, 90, 2],
      [5, 5, 50, 1],
    ]);
    expect(outcome.finished).toBe(false);
    expect(scoreTournament(input('points_race', entrants, 2, 3, [2, 3], score)).finished).toBe(true);
  });

  it('battle race: round robin by seed, win 3 / draw 1, a bye counts nothing', () => {
    const outcome = scoreTournament(input('battle_race', entrants, 2, 38, [2], score));
    // seeds by totals after event 1: 1 (60), 2 (50), 3 (40), 4 (30), 5 (20); round 0 of [1,2,3,4,5,null]
    expect(outcome.results).toEqual([
      { eventId: 2, round: 1, homeEntryId: 1, awayEntryId: null, homePoints: 50, awayPoints: null, winnerEntryId: null },
      { eventId: 2, round: 1, homeEntryId: 2, awayEntryId: 5, homePoints: 50, awayPoints: 50, winnerEntryId: null },
      { eventId: 2, round: 1, homeEntryId: 3, awayEntryId: 4, homePoints: 65, awayPoints: 20, winnerEntryId: 3 },
    ]);
    const table = Object.fromEntries(outcome.standings.map((s) => [s.entryId, [s.points, s.played, s.won, s.drawn, s.lost]]));
    expect(table).toEqual({ 1: [0, 0, 0, 0, 0], 2: [1, 1, 0, 1, 0], 3: [3, 1, 1, 0, 0], 4: [0, 1, 0, 0, 1], 5: [1, 1, 0, 1, 0] });
    expect(outcome.standings.map((s) => s.entryId)).toEqual([3, 2, 5, 4, 1]); // 4 scored 20 in its match, 1 had the bye
  });

  it('knockout: the higher score advances, a bye for the best seed when odd, losers eliminated', () => {
    const outcome = scoreTournament(input('knockout', entrants, 2, 4, [2, 3], score));
    // round 1 (event 2): seeds 1 2 3 4 5 → 1 bye; 2 v 5 (50–50, rank 2 beats 5); 3 v 4 (65–20)
    // round 2 (event 3): 1 2 3 → 1 bye; 2 v 3 (70–30)
    expect(outcome.results.map((r) => [r.round, r.homeEntryId, r.awayEntryId, r.winnerEntryId])).toEqual([
      [1, 1, null, 1],
      [1, 2, 5, 2],
      [1, 3, 4, 3],
      [2, 1, null, 1],
      [2, 2, 3, 2],
    ]);
    expect(outcome.standings.map((s) => [s.entryId, s.rank, s.eliminated])).toEqual([
      [1, 1, false],
      [2, 2, false],
      [3, 3, true],
      [4, 4, true],
      [5, 5, true],
    ]);
    expect(outcome.finished).toBe(false);
    const final = scoreTournament(input('knockout', entrants, 2, 4, [2, 3, 4], lookup({ 1: { 1: 60, 2: 1, 3: 1, 4: 10 }, 2: { 1: 50, 2: 90, 3: 90, 4: 20 }, 3: { 1: 40 }, 4: { 1: 30 }, 5: { 1: 20 } })));
    expect(final.finished).toBe(true);
    expect(final.standings[0]).toMatchObject({ entryId: 2, rank: 1, eliminated: false, won: 3 });
  });

  it('cup: seeded from the points race after its first event, with a bye when odd', () => {
    // the cup starts at 3: seeds by event 2 points (3: 65, 1/2/5: 50 by points race seed 1,2,5, 4: 20)
    const outcome = scoreTournament(input('cup', entrants, 3, 5, [3], score));
    expect(outcome.results.map((r) => [r.homeEntryId, r.awayEntryId, r.winnerEntryId])).toEqual([
      [3, null, 3],
      [1, 4, 4],
      [2, 5, 2],
    ]);
    expect(outcome.standings.filter((s) => s.eliminated).map((s) => s.entryId)).toEqual([1, 5]);
  });

  it('gives the same rows for the same scores (a rerun changes nothing)', () => {
    for (const kind of ['points_race', 'battle_race', 'knockout', 'cup'] as const) {
      expect(scoreTournament(input(kind, entrants, 2, 6, [2, 3], score))).toEqual(scoreTournament(input(kind, [...entrants].reverse(), 2, 6, [2, 3], score)));
    }
  });
});
