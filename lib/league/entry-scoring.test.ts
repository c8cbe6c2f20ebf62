/**
 * The entry analyzer's scoring: each signal at its edges, the verdict lines, the choice of
 * baseline, and a whole simulated season (scripts/upstream/season.ts), whose ordinary
 * managers must come out normal.
 */
import { describe, expect, it } from 'vitest';
import { Season } from '@/scripts/upstream/season.ts';
import { chooseBaseline, riotScore, scoreEntry, signalNames, signalWeights, verdictOf, type HistoryPoint } from './entry-scoring.ts';

const thresholds = { flagScore: 70, watchScore: 45 };

/** `n` events from event 1 with the given points (an ordinary manager otherwise). */
function history(points: readonly number[], extra: Partial<HistoryPoint> = {}): HistoryPoint[] {
  return points.map((p, i) => ({ eventId: i + 1, points: p, overallRank: 100_000, eventTransfers: 1, eventTransfersCost: 0, ...extra }));
}

/** An ordinary spread of points around 60: mean 60, standard deviation about 14. */
const ordinary = Array.from({ length: 20 }, (_, i) => [42, 78, 55, 65, 48, 72, 60, 60][i % 8]!);
const averagesOf = (n: number, average: number) => new Map(Array.from({ length: n }, (_, i) => [i + 1, average]));

describe('scoreEntry', () => {
  it('scores an ordinary manager 0 and normal, with every signal present', () => {
    const result = scoreEntry({ history: history(ordinary), averages: averagesOf(20, 60), startedEvent: 1 }, thresholds);
    expect(result).toMatchObject({ score: 0, verdict: 'normal', eventsAnalyzed: 20 });
    expect(Object.keys(result.signals).sort()).toEqual([...signalNames].sort());
    expect(result.signals.pointsVsAverage).toMatchObject({ value: 1, part: 0, weight: 20 });
  });

  it('weights sum to 100', () => {
    expect(Object.values(signalWeights).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it("stands a league signal for each of the Riot specification's nine detection scores", () => {
    expect(Object.values(riotScore).sort()).toEqual(['account_level', 'kda', 'performance_consistency', 'performance_trends', 'rank_discrepancy', 'rank_progression', 'role_performance', 'win_rate', 'win_rate_trend']);
    expect(Object.keys(riotScore).every((name) => (signalNames as readonly string[]).includes(name))).toBe(true);
  });

  it('win rate: the share of events above the average; its rise from the first half to the second', () => {
    // 10 losses (40) then 10 wins (80) against 60: win rate 50 %, from 0 % to 100 %
    const rising = [...Array.from({ length: 10 }, () => 40), ...Array.from({ length: 10 }, () => 80)];
    const result = scoreEntry({ history: history(rising), averages: averagesOf(20, 60), startedEvent: 1 }, thresholds);
    expect(result.signals.winRate).toMatchObject({ value: 0.5, part: 0, detail: '10 of 20 events above the average' });
    expect(result.signals.winRateTrend).toMatchObject({ value: 1, part: 5 });
    const winning = scoreEntry({ history: history(ordinary.map((p) => p + 40)), averages: averagesOf(20, 60), startedEvent: 1 }, thresholds);
    expect(winning.signals.winRate).toMatchObject({ value: 1, part: 10 });
    expect(winning.signals.winRateTrend.part).toBe(0);
  });

  it('points trend: the second half against the average over the first half', () => {
    const rising = [...Array.from({ length: 10 }, () => 40), ...Array.from({ length: 10 }, () => 80)];
    const result = scoreEntry({ history: history(rising), averages: averagesOf(20, 60), startedEvent: 1 }, thresholds);
    expect(result.signals.pointsTrend).toMatchObject({ value: 2, part: 10 });
    expect(scoreEntry({ history: history(ordinary), averages: averagesOf(20, 60), startedEvent: 1 }, thresholds).signals.pointsTrend.part).toBe(0);
    expect(scoreEntry({ history: history([60, 60, 60]), averages: averagesOf(3, 60), startedEvent: 1 }, thresholds).signals.pointsTrend.detail).toBe('fewer than 4 events to compare');
  });

  it('rank discrepancy: gameweek ranks far better than the overall rank', () => {
    const above = scoreEntry({ history: history(ordinary, { rank: 1_000, overallRank: 100_000 }), averages: new Map(), startedEvent: 1 }, thresholds);
    expect(above.signals.rankDiscrepancy).toMatchObject({ value: 2, part: 10 });
    const level = scoreEntry({ history: history(ordinary, { rank: 100_000 }), averages: new Map(), startedEvent: 1 }, thresholds);
    expect(level.signals.rankDiscrepancy).toMatchObject({ value: 0, part: 0 });
    expect(scoreEntry({ history: history(ordinary), averages: new Map(), startedEvent: 1 }, thresholds).signals.rankDiscrepancy.detail).toBe('not enough ranked events');
  });

  it('points far above the average give the whole pointsVsAverage weight, and spikes the captaincy weight', () => {
    const strong = ordinary.map((p) => p * 2);
    const result = scoreEntry({ history: history(strong), averages: averagesOf(20, 60), startedEvent: 1 }, thresholds);
    expect(result.signals.pointsVsAverage).toMatchObject({ value: 2, part: 20 });
    // every doubled event but 2 × 42 reaches 90 = 1.5 × 60: 17 of 20
    expect(result.signals.captaincyPattern.value).toBe(0.85);
    expect(result.signals.captaincyPattern.part).toBe(10);
    expect(result.signals.winRate.part).toBe(10);
    expect(result.score).toBe(40);
    expect(result.verdict).toBe('normal');
  });

  it('leaves events without an average out of the comparisons', () => {
    const averages = new Map([[1, 60], [2, 0]]);
    const result = scoreEntry({ history: history([90, 10, 10]), averages, startedEvent: 1 }, thresholds);
    expect(result.signals.pointsVsAverage.value).toBe(1.5);
    expect(result.signals.captaincyPattern.detail).toBe('1 of 1 events at 1.5 × the average or more');
    const none = scoreEntry({ history: history([90]), averages: new Map(), startedEvent: 1 }, thresholds);
    expect(none.signals.pointsVsAverage).toMatchObject({ part: 0, detail: 'no average to compare with' });
  });

  it('rank climb: two orders of magnitude are the whole weight; a fall adds nothing', () => {
    const climb = history(ordinary).map((row, i) => ({ ...row, overallRank: i === 0 ? 500_000 : i === 19 ? 5_000 : 50_000 }));
    expect(scoreEntry({ history: climb, averages: new Map(), startedEvent: 1 }, thresholds).signals.rankClimb).toMatchObject({ value: 2, part: 10 });
    const fall = climb.map((row) => ({ ...row, overallRank: 1_000_000 / row.overallRank! }));
    expect(scoreEntry({ history: fall, averages: new Map(), startedEvent: 1 }, thresholds).signals.rankClimb.part).toBe(0);
    const unranked = history(ordinary, { overallRank: null });
    expect(scoreEntry({ history: unranked, averages: new Map(), startedEvent: 1 }, thresholds).signals.rankClimb.detail).toBe('not enough ranked events');
  });

  it('transfer pattern: heavy churn or heavy hits', () => {
    const churn = scoreEntry({ history: history(ordinary, { eventTransfers: 3 }), averages: new Map(), startedEvent: 1 }, thresholds);
    expect(churn.signals.transferPattern).toMatchObject({ value: 3, part: 5 });
    const hits = scoreEntry({ history: history(ordinary, { eventTransfers: 1, eventTransfersCost: 4 }), averages: new Map(), startedEvent: 1 }, thresholds);
    expect(hits.signals.transferPattern.part).toBe(2.5);
  });

  it('consistency: unusually steady points score, ordinary spread does not', () => {
    const steady = scoreEntry({ history: history(Array.from({ length: 20 }, () => 70)), averages: new Map(), startedEvent: 1 }, thresholds);
    expect(steady.signals.consistency).toMatchObject({ value: 0, part: 10 });
    expect(scoreEntry({ history: history(ordinary), averages: new Map(), startedEvent: 1 }, thresholds).signals.consistency.part).toBe(0);
  });

  it('account age: from the started event, else the first stored event', () => {
    const late = history(ordinary).map((row) => ({ ...row, eventId: row.eventId + 15 }));
    expect(scoreEntry({ history: late, averages: new Map(), startedEvent: 16 }, thresholds).signals.accountAge).toMatchObject({ value: 16, part: 10 });
    expect(scoreEntry({ history: late, averages: new Map(), startedEvent: null }, thresholds).signals.accountAge.value).toBe(16);
    expect(scoreEntry({ history: late, averages: new Map(), startedEvent: 8 }, thresholds).signals.accountAge.part).toBe(4.67);
  });

  it('flags an entry unusual in many ways', () => {
    const rows = Array.from({ length: 20 }, (_, i) => {
      const overallRank = Math.round(1_000_000 / 10 ** (i / 6));
      return { eventId: i + 16, points: 100 + 2 * i, overallRank, rank: Math.max(1, Math.round(overallRank / 100)), eventTransfers: 3, eventTransfersCost: 8 };
    });
    const result = scoreEntry({ history: rows, averages: new Map(rows.map((row) => [row.eventId, 60])), startedEvent: 16 }, thresholds);
    expect(result.score).toBeGreaterThanOrEqual(80);
    expect(result.verdict).toBe('flagged');
  });

  it('refuses an empty history', () => {
    expect(() => scoreEntry({ history: [], averages: new Map(), startedEvent: 1 }, thresholds)).toThrow(RangeError);
  });
});

describe('verdictOf', () => {
  it('draws the lines at watchScore and flagScore, inclusive', () => {
    expect(verdictOf(44.9, thresholds)).toBe('normal');
    expect(verdictOf(45, thresholds)).toBe('watch');
    expect(verdictOf(69.9, thresholds)).toBe('watch');
    expect(verdictOf(70, thresholds)).toBe('flagged');
  });
});

describe('chooseBaseline', () => {
  it("prefers the league-mates' average, then the upstream's, then none", () => {
    expect(chooseBaseline({ leagueAverage: 55, leagueMates: 3, eventAverage: 60 })).toBe(55);
    expect(chooseBaseline({ leagueAverage: 55, leagueMates: 2, eventAverage: 60 })).toBe(60);
    expect(chooseBaseline({ leagueAverage: null, leagueMates: 0, eventAverage: 0 })).toBeUndefined();
    expect(chooseBaseline({ leagueAverage: null, leagueMates: 0, eventAverage: null })).toBeUndefined();
  });
});

describe('on a simulated season', () => {
  it('finds no flagged manager and mostly normal ones', () => {
    const season = new Season(2026, 300);
    const now = season.timeFor(38, 'finished');
    const averages = new Map(season.events(now).map((event) => [event.id, event.average_entry_score]));
    const verdicts = { normal: 0, watch: 0, flagged: 0 };
    for (let id = 1; id <= 300; id++) {
      const upstream = season.entryHistory(id, now);
      if (!upstream || upstream.current.length < 20) continue;
      const rows = upstream.current.map((row) => ({ eventId: row.event, points: row.points, rank: row.rank, overallRank: row.overall_rank, eventTransfers: row.event_transfers, eventTransfersCost: row.event_transfers_cost }));
      const entry = season.entry(id, now)!;
      verdicts[scoreEntry({ history: rows, averages, startedEvent: entry.started_event }, thresholds).verdict] += 1;
    }
    expect(verdicts.flagged).toBe(0);
    expect(verdicts.normal).toBeGreaterThan(0.95 * (verdicts.normal + verdicts.watch));
  });
});
