/**
 * The entry analyzer's scoring, pure (no I/O, no clock): from an entry's stored event history
 * and the average it is measured against, ten signals, each worth a share of a 0–100 score
 * (higher is more unusual), and the verdict the score earns. Nine of them are the Riot
 * specification's detection scores (003 §2 Phase 2) on league data (`riotScore` names which);
 * `transferPattern` is the league's own. The entry-analyzer job
 * (worker/jobs/league/entry-analyzer.ts) feeds it rows and stores what it returns in EntryAnalysis.
 *
 * The thresholds are heuristics: an ordinary manager (points around the average, a few
 * transfers, a season-long account, ordinary ups and downs) scores well below the watch line;
 * it takes several unusual signals at once to reach the flag line.
 */

export type Verdict = 'normal' | 'watch' | 'flagged';

export const signalNames = [
  'winRate',
  'pointsVsAverage',
  'accountAge',
  'rankDiscrepancy',
  'rankClimb',
  'winRateTrend',
  'consistency',
  'pointsTrend',
  'captaincyPattern',
  'transferPattern',
] as const;
export type SignalName = (typeof signalNames)[number];

/** The most each signal adds to the score; they sum to 100. */
export const signalWeights: Readonly<Record<SignalName, number>> = {
  winRate: 10,
  pointsVsAverage: 20,
  accountAge: 10,
  rankDiscrepancy: 10,
  rankClimb: 10,
  winRateTrend: 5,
  consistency: 10,
  pointsTrend: 10,
  captaincyPattern: 10,
  transferPattern: 5,
};

/**
 * The Riot specification's nine detection scores and the league signal that stands for each
 * (a gameweek is a match; beating the baseline average is a win).
 */
export const riotScore: Readonly<Record<Exclude<SignalName, 'transferPattern'>, string>> = {
  winRate: 'win_rate',
  pointsVsAverage: 'kda',
  accountAge: 'account_level',
  rankDiscrepancy: 'rank_discrepancy',
  rankClimb: 'rank_progression',
  winRateTrend: 'win_rate_trend',
  consistency: 'performance_consistency',
  pointsTrend: 'performance_trends',
  captaincyPattern: 'role_performance',
};

/** One event of an entry's history, as EntryEventHistory stores it. */
export interface HistoryPoint {
  eventId: number;
  points: number;
  overallRank: number | null;
  eventTransfers: number;
  eventTransfersCost: number;
  /** Rank among all entries for this event's points; absent or null when unknown. */
  rank?: number | null;
}

export interface ScoringInput {
  history: readonly HistoryPoint[];
  /** Per event, the average points the entry is compared with (see chooseBaseline); events without one are left out of the comparisons. */
  averages: ReadonlyMap<number, number>;
  /** The entry's first event upstream; null when unknown, then its first stored event stands in. */
  startedEvent: number | null;
}

export interface Thresholds {
  /** A score at or above this is `flagged`. */
  flagScore: number;
  /** A score at or above this (and below flagScore) is `watch`. */
  watchScore: number;
}

/** A type, not an interface, so that it is plain JSON to Prisma (EntryAnalysis.signals). */
export type Signal = {
  /** The measured value (see each signal's `detail` for its unit). */
  value: number;
  /** The most the signal may add. */
  weight: number;
  /** What it added: 0..weight. */
  part: number;
  /** The value in words, for people. */
  detail: string;
};

export interface EntryScore {
  /** 0–100, one decimal. */
  score: number;
  verdict: Verdict;
  eventsAnalyzed: number;
  signals: Record<SignalName, Signal>;
}

/** A league's average is used when at least this many league-mates have the event stored. */
export const minLeagueMates = 3;

/**
 * The average an entry's event points are compared with: its league-mates' average when
 * enough of them have the event stored, else the upstream's average over all entries
 * (which is 0 or null until the event is finished), else none.
 */
export function chooseBaseline(options: { leagueAverage: number | null; leagueMates: number; eventAverage: number | null }): number | undefined {
  if (options.leagueAverage !== null && options.leagueMates >= minLeagueMates) return options.leagueAverage;
  if (options.eventAverage !== null && options.eventAverage > 0) return options.eventAverage;
  return undefined;
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

function signal(name: SignalName, value: number, share: number, detail: string): Signal {
  const weight = signalWeights[name];
  return { value: round(value, 2), weight, part: round(weight * clamp01(share), 2), detail };
}

/** Points over the baseline: nothing up to 15 % above it, everything from 60 % above. */
function pointsVsAverage(compared: readonly { points: number; average: number }[]): Signal {
  if (compared.length === 0) return signal('pointsVsAverage', 1, 0, 'no average to compare with');
  const ratio = sum(compared.map((c) => c.points)) / sum(compared.map((c) => c.average));
  return signal('pointsVsAverage', ratio, (ratio - 1.15) / 0.45, `${Math.round(ratio * 100)} % of the average over ${compared.length} events`);
}

/** Orders of magnitude climbed in the overall rank, first to last ranked event: full at two (e.g. 100 000th to 1 000th). */
function rankClimb(history: readonly HistoryPoint[]): Signal {
  const ranked = history.filter((row) => row.overallRank !== null && row.overallRank > 0);
  const first = ranked[0]?.overallRank;
  const last = ranked.at(-1)?.overallRank;
  if (ranked.length < 2 || !first || !last) return signal('rankClimb', 0, 0, 'not enough ranked events');
  const orders = Math.log10(first / last);
  return signal('rankClimb', orders, orders / 2, `overall rank ${first} → ${last}`);
}

/** Heavy churn: more than 1.5 transfers an event (full at 3), or more than 2 points of hits an event (full at 6). */
function transferPattern(history: readonly HistoryPoint[]): Signal {
  const perEvent = sum(history.map((row) => row.eventTransfers)) / history.length;
  const costPerEvent = sum(history.map((row) => row.eventTransfersCost)) / history.length;
  const share = Math.max((perEvent - 1.5) / 1.5, (costPerEvent - 2) / 4);
  return signal('transferPattern', perEvent, share, `${round(perEvent, 1)} transfers and ${round(costPerEvent, 1)} points of hits an event`);
}

/**
 * Captaincy, approximated from spikes: the captain's points count double, so a big haul shows
 * as an event of at least 1.5 × the average. Full when 30 % of the events are spikes.
 */
function captaincyPattern(compared: readonly { points: number; average: number }[]): Signal {
  if (compared.length === 0) return signal('captaincyPattern', 0, 0, 'no average to compare with');
  const spikes = compared.filter((c) => c.points >= 1.5 * c.average).length;
  const share = spikes / compared.length;
  return signal('captaincyPattern', share, share / 0.3, `${spikes} of ${compared.length} events at 1.5 × the average or more`);
}

/** Unusually steady points: nothing at a coefficient of variation of 0.18 or more, full at 0.08 or less. */
function consistency(history: readonly HistoryPoint[]): Signal {
  const points = history.map((row) => row.points);
  const mean = sum(points) / points.length;
  const stddev = Math.sqrt(sum(points.map((p) => (p - mean) ** 2)) / points.length);
  if (mean <= 0) return signal('consistency', stddev, 0, 'no points to compare');
  const cv = stddev / mean;
  return signal('consistency', stddev, (0.18 - cv) / 0.1, `standard deviation ${round(stddev, 1)} on a mean of ${round(mean, 1)}`);
}

/** A young account: nothing when it played from event 1, full when it started 15 or more events late. */
function accountAge(history: readonly HistoryPoint[], startedEvent: number | null): Signal {
  const started = startedEvent ?? Math.min(...history.map((row) => row.eventId));
  return signal('accountAge', started, (started - 1) / 15, `started in event ${started}`);
}

/** The share of compared events whose points beat the average: nothing up to 60 %, full at 85 %. */
function winRate(compared: readonly { points: number; average: number }[]): Signal {
  if (compared.length === 0) return signal('winRate', 0, 0, 'no average to compare with');
  const wins = compared.filter((c) => c.points > c.average).length;
  const share = wins / compared.length;
  return signal('winRate', share, (share - 0.6) / 0.25, `${wins} of ${compared.length} events above the average`);
}

const halves = <T>(rows: readonly T[]): [T[], T[]] => [rows.slice(0, Math.floor(rows.length / 2)), rows.slice(Math.ceil(rows.length / 2))];

/** The win rate's rise from the first half of the compared events to the second: nothing up to +20 points, full at +50. */
function winRateTrend(compared: readonly { points: number; average: number }[]): Signal {
  if (compared.length < 4) return signal('winRateTrend', 0, 0, 'fewer than 4 events to compare');
  const rate = (rows: readonly { points: number; average: number }[]) => rows.filter((c) => c.points > c.average).length / rows.length;
  const [early, late] = halves(compared);
  const rise = rate(late) - rate(early);
  return signal('winRateTrend', rise, (rise - 0.2) / 0.3, `win rate ${Math.round(rate(early) * 100)} % → ${Math.round(rate(late) * 100)} %`);
}

/** Points against the average, second half over first: nothing up to 1.15 ×, full at 1.5 ×. */
function pointsTrend(compared: readonly { points: number; average: number }[]): Signal {
  if (compared.length < 4) return signal('pointsTrend', 1, 0, 'fewer than 4 events to compare');
  const ratio = (rows: readonly { points: number; average: number }[]) => sum(rows.map((c) => c.points)) / sum(rows.map((c) => c.average));
  const [early, late] = halves(compared);
  const trend = ratio(early) > 0 ? ratio(late) / ratio(early) : 1;
  return signal('pointsTrend', trend, (trend - 1.15) / 0.35, `${Math.round(ratio(early) * 100)} % → ${Math.round(ratio(late) * 100)} % of the average`);
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * Playing above its standing: the median gameweek rank against the median overall rank, in
 * orders of magnitude; nothing up to half an order better, full at one and a half.
 */
function rankDiscrepancy(history: readonly HistoryPoint[]): Signal {
  const ranked = history.filter((row) => row.rank && row.rank > 0 && row.overallRank && row.overallRank > 0);
  if (ranked.length < 2) return signal('rankDiscrepancy', 0, 0, 'not enough ranked events');
  const event = median(ranked.map((row) => row.rank!));
  const overall = median(ranked.map((row) => row.overallRank!));
  const orders = Math.log10(overall / event);
  return signal('rankDiscrepancy', orders, (orders - 0.5) / 1, `median gameweek rank ${Math.round(event)}, overall ${Math.round(overall)}`);
}

/** Scores an entry's history; `history` needs at least one row (the job asks for minEvents). */
export function scoreEntry(input: ScoringInput, thresholds: Thresholds): EntryScore {
  if (input.history.length === 0) throw new RangeError('scoreEntry needs at least one event of history');
  const history = [...input.history].sort((a, b) => a.eventId - b.eventId);
  const compared = history.flatMap((row) => {
    const average = input.averages.get(row.eventId);
    return average !== undefined && average > 0 ? [{ points: row.points, average }] : [];
  });
  const signals: Record<SignalName, Signal> = {
    winRate: winRate(compared),
    pointsVsAverage: pointsVsAverage(compared),
    accountAge: accountAge(history, input.startedEvent),
    rankDiscrepancy: rankDiscrepancy(history),
    rankClimb: rankClimb(history),
    winRateTrend: winRateTrend(compared),
    consistency: consistency(history),
    pointsTrend: pointsTrend(compared),
    captaincyPattern: captaincyPattern(compared),
    transferPattern: transferPattern(history),
  };
  const score = round(Math.min(100, sum(signalNames.map((name) => signals[name].part))), 1);
  return { score, verdict: verdictOf(score, thresholds), eventsAnalyzed: history.length, signals };
}

export function verdictOf(score: number, thresholds: Thresholds): Verdict {
  if (score >= thresholds.flagScore) return 'flagged';
  if (score >= thresholds.watchScore) return 'watch';
  return 'normal';
}
