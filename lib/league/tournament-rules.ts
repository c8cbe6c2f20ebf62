/**
 * How the league's tournaments are seeded, paired and scored. Pure: given the entrants and
 * their stored event scores, what every round's results and the standings are. The
 * tournament jobs (worker/jobs/league/update-tournaments.ts) recompute a tournament from scratch with
 * these on every run, so a rerun over the same stored scores yields the very same rows
 * (idempotent), and a corrected score corrects every later round.
 *
 * Seeding uses only stored history, never a rank that moves (a league rank, a standing
 * written by an earlier run): the entrants' season totals before the tournament's first
 * event, best first — the league order when the tournament was created — then the lower
 * entry id. A cup is seeded from the points race over its first event (cups start one event
 * after their league's points race).
 */

export type TournamentKind = 'points_race' | 'battle_race' | 'knockout' | 'cup';

/** An entry's stored result in one event (EntryEventHistory). */
export interface EventScore {
  points: number;
  /** Season total after the event. */
  totalPoints: number;
  /** Rank among all entries after the event; null when the upstream gave none. */
  overallRank: number | null;
}

/** An entry's score in an event; undefined when none is stored (not started yet, deleted). */
export type ScoreLookup = (entryId: number, eventId: number) => EventScore | undefined;

export interface ResultRow {
  eventId: number;
  /** 1-based: the event's place in the tournament (event − startEvent + 1). */
  round: number;
  homeEntryId: number;
  /** Null for a points race row and for a bye. */
  awayEntryId: number | null;
  homePoints: number | null;
  awayPoints: number | null;
  /** Null for a draw and for rows without an opponent in a points or battle race. */
  winnerEntryId: number | null;
}

export interface StandingRow {
  entryId: number;
  /** 1..n, no ties (ties are broken as each kind says). */
  rank: number;
  /** Event points (points race), match points (battle race) or ties won (knockout, cup). */
  points: number;
  played: number;
  won: number;
  drawn: number;
  lost: number;
  eliminated: boolean;
}

export interface TournamentOutcome {
  results: ResultRow[];
  standings: StandingRow[];
  /** True once the last event is scored, or a knockout or cup has one entrant left. */
  finished: boolean;
}

export interface TournamentInput {
  kind: TournamentKind;
  /** The entrants, in any order. */
  entrants: readonly number[];
  startEvent: number;
  endEvent: number;
  /** Finished events to score: ascending, within startEvent..endEvent. */
  events: readonly number[];
  score: ScoreLookup;
}

export const WIN_POINTS = 3;
export const DRAW_POINTS = 1;

/** The events whose scores seeding reads (those before the first round), earliest first. */
export function seedingEvents(kind: TournamentKind, startEvent: number): number[] {
  const events = kind === 'cup' ? [startEvent - 2, startEvent - 1] : [startEvent - 1];
  return events.filter((event) => event >= 1);
}

/** Best first: higher total after `eventId` (0 when not stored or before the season), then lower entry id. */
export function seedByTotal(entrants: readonly number[], eventId: number, score: ScoreLookup): number[] {
  const total = (id: number) => (eventId >= 1 ? (score(id, eventId)?.totalPoints ?? 0) : 0);
  return [...entrants].sort((a, b) => total(b) - total(a) || a - b);
}

/** Points race order: more event points over `events`, then the better seed. */
export function pointsRaceOrder(seeds: readonly number[], events: readonly number[], score: ScoreLookup): number[] {
  const points = new Map(seeds.map((id) => [id, events.reduce((sum, event) => sum + (score(id, event)?.points ?? 0), 0)]));
  return stableSort(seeds, (a, b) => points.get(b)! - points.get(a)!);
}

/** The entrants best seed first, as the tournament's kind seeds them (see the file comment). */
export function seedsFor(input: Pick<TournamentInput, 'kind' | 'entrants' | 'startEvent' | 'score'>): number[] {
  if (input.kind !== 'cup') return seedByTotal(input.entrants, input.startEvent - 1, input.score);
  const pointsRaceStart = input.startEvent - 1;
  const pointsRaceSeeds = seedByTotal(input.entrants, pointsRaceStart - 1, input.score);
  return pointsRaceStart >= 1 ? pointsRaceOrder(pointsRaceSeeds, [pointsRaceStart], input.score) : pointsRaceSeeds;
}

/**
 * One round of a round robin over `order` by the circle method: the first stays put, the
 * others rotate one place a round, and the i-th from the front meets the i-th from the back.
 * Everyone meets everyone once in n − 1 rounds (n rounds when odd, one bye each); later
 * rounds repeat the cycle. The front half plays at home; a bye pairs with null.
 */
export function roundRobinPairs<T>(order: readonly T[], roundIndex: number): [T, T | null][] {
  const slots: (T | null)[] = order.length % 2 === 0 ? [...order] : [...order, null];
  const n = slots.length;
  if (n < 2) return [];
  const shift = ((roundIndex % (n - 1)) + (n - 1)) % (n - 1);
  const rest = slots.slice(1);
  const rotated = [slots[0], ...rest.map((_, i) => rest[(i + shift) % (n - 1)])].map((slot) => slot ?? null);
  const pairs: [T, T | null][] = [];
  for (let i = 0; i < n / 2; i++) {
    const home = rotated[i] ?? null;
    const away = rotated[n - 1 - i] ?? null;
    if (home !== null) pairs.push([home, away]);
    else if (away !== null) pairs.push([away, null]);
  }
  return pairs;
}

/**
 * A knockout round over the entrants still in, best seed first: with an odd number the best
 * seed has a bye; the others meet best against worst, the better seed at home.
 */
export function knockoutPairs(survivors: readonly number[]): { home: number; away: number | null }[] {
  const pairs: { home: number; away: number | null }[] = [];
  let rest = [...survivors];
  if (rest.length % 2 === 1) {
    pairs.push({ home: rest[0]!, away: null });
    rest = rest.slice(1);
  }
  for (let i = 0; i < rest.length / 2; i++) pairs.push({ home: rest[i]!, away: rest[rest.length - 1 - i]! });
  return pairs;
}

export interface Contender {
  entryId: number;
  score: EventScore | undefined;
}

/** Who goes through a tie: the higher event score; on a tie the better overall rank (a missing rank is worst), then the lower entry id. */
export function tieWinner(a: Contender, b: Contender): number {
  const points = (a.score?.points ?? 0) - (b.score?.points ?? 0);
  if (points !== 0) return points > 0 ? a.entryId : b.entryId;
  const rank = (c: Contender) => c.score?.overallRank ?? Number.POSITIVE_INFINITY;
  if (rank(a) !== rank(b)) return rank(a) < rank(b) ? a.entryId : b.entryId;
  return Math.min(a.entryId, b.entryId);
}

/** A knockout round's events: one round per event from the start; a knockout of n needs ceil(log2 n) rounds. */
export function knockoutRounds(entrants: number): number {
  return entrants < 2 ? 0 : Math.ceil(Math.log2(entrants));
}

/** Scores a tournament over `input.events` by its kind's rules. */
export function scoreTournament(input: TournamentInput): TournamentOutcome {
  const seeds = seedsFor(input);
  const events = input.events.filter((event) => event >= input.startEvent && event <= input.endEvent);
  const scored = { ...input, events };
  switch (input.kind) {
    case 'points_race':
      return pointsRace(seeds, scored);
    case 'battle_race':
      return battleRace(seeds, scored);
    case 'knockout':
    case 'cup':
      return knockout(seeds, scored);
  }
}

/** A standing while it is counted: ranked at the end. */
type Tally = Omit<StandingRow, 'rank'>;

const roundOf = (input: TournamentInput, eventId: number) => eventId - input.startEvent + 1;
const tallyOf = (entryId: number): Tally => ({ entryId, points: 0, played: 0, won: 0, drawn: 0, lost: 0, eliminated: false });
const isFinished = (input: TournamentInput) => input.events.includes(input.endEvent);

function ranked(order: readonly Tally[]): StandingRow[] {
  return order.map((tally, index) => ({ ...tally, rank: index + 1 }));
}

/** Every entrant's event points summed; one result row per entrant per event. Ties: the better seed. */
function pointsRace(seeds: readonly number[], input: TournamentInput): TournamentOutcome {
  const tallies = new Map(seeds.map((id) => [id, tallyOf(id)]));
  const results: ResultRow[] = [];
  for (const eventId of input.events) {
    for (const entryId of seeds) {
      const score = input.score(entryId, eventId);
      const tally = tallies.get(entryId)!;
      tally.points += score?.points ?? 0;
      if (score) tally.played += 1;
      results.push({ eventId, round: roundOf(input, eventId), homeEntryId: entryId, awayEntryId: null, homePoints: score?.points ?? 0, awayPoints: null, winnerEntryId: null });
    }
  }
  const order = stableSort(seeds, (a, b) => tallies.get(b)!.points - tallies.get(a)!.points).map((id) => tallies.get(id)!);
  return { results, standings: ranked(order), finished: isFinished(input) };
}

/**
 * Head to head each event, paired by a round robin over the seeds; a win is worth 3, a draw
 * 1. A bye is recorded without an opponent and counts as nothing. Ties in the table: event
 * points scored in matches, then the better seed.
 */
function battleRace(seeds: readonly number[], input: TournamentInput): TournamentOutcome {
  const tallies = new Map(seeds.map((id) => [id, tallyOf(id)]));
  const scoredFor = new Map(seeds.map((id) => [id, 0]));
  const results: ResultRow[] = [];
  for (const eventId of input.events) {
    const round = roundOf(input, eventId);
    for (const [home, away] of roundRobinPairs(seeds, round - 1)) {
      const homePoints = input.score(home, eventId)?.points ?? 0;
      if (away === null) {
        results.push({ eventId, round, homeEntryId: home, awayEntryId: null, homePoints, awayPoints: null, winnerEntryId: null });
        continue;
      }
      const awayPoints = input.score(away, eventId)?.points ?? 0;
      const winner = homePoints === awayPoints ? null : homePoints > awayPoints ? home : away;
      results.push({ eventId, round, homeEntryId: home, awayEntryId: away, homePoints, awayPoints, winnerEntryId: winner });
      for (const [id, points] of [[home, homePoints], [away, awayPoints]] as const) {
        const tally = tallies.get(id)!;
        tally.played += 1;
        scoredFor.set(id, scoredFor.get(id)! + points);
        if (winner === null) {
          tally.drawn += 1;
          tally.points += DRAW_POINTS;
        } else if (winner === id) {
          tally.won += 1;
          tally.points += WIN_POINTS;
        } else tally.lost += 1;
      }
    }
  }
  const order = stableSort(seeds, (a, b) => tallies.get(b)!.points - tallies.get(a)!.points || scoredFor.get(b)! - scoredFor.get(a)!).map((id) => tallies.get(id)!);
  return { results, standings: ranked(order), finished: isFinished(input) };
}

/**
 * One round per event while more than one entrant is left (see knockoutPairs, tieWinner); a
 * bye goes through as the winner of its row. Standings: those still in by seed, then the
 * eliminated, the later out first, then by seed; points count ties won.
 */
function knockout(seeds: readonly number[], input: TournamentInput): TournamentOutcome {
  const tallies = new Map(seeds.map((id) => [id, tallyOf(id)]));
  const outInRound = new Map<number, number>();
  const results: ResultRow[] = [];
  let survivors = [...seeds];
  for (const eventId of input.events) {
    if (survivors.length < 2) break;
    const round = roundOf(input, eventId);
    const through = new Set<number>();
    for (const { home, away } of knockoutPairs(survivors)) {
      const homeScore = input.score(home, eventId);
      if (away === null) {
        through.add(home);
        results.push({ eventId, round, homeEntryId: home, awayEntryId: null, homePoints: homeScore?.points ?? 0, awayPoints: null, winnerEntryId: home });
        continue;
      }
      const awayScore = input.score(away, eventId);
      const winner = tieWinner({ entryId: home, score: homeScore }, { entryId: away, score: awayScore });
      const loser = winner === home ? away : home;
      through.add(winner);
      outInRound.set(loser, round);
      results.push({ eventId, round, homeEntryId: home, awayEntryId: away, homePoints: homeScore?.points ?? 0, awayPoints: awayScore?.points ?? 0, winnerEntryId: winner });
      const won = tallies.get(winner)!;
      won.played += 1;
      won.won += 1;
      won.points += 1;
      const lost = tallies.get(loser)!;
      lost.played += 1;
      lost.lost += 1;
      lost.eliminated = true;
    }
    survivors = survivors.filter((id) => through.has(id));
  }
  // Still in (never out) first, then the later out first.
  const out = (id: number) => outInRound.get(id) ?? Number.MAX_SAFE_INTEGER;
  const order = stableSort(seeds, (a, b) => out(b) - out(a)).map((id) => tallies.get(id)!);
  return { results, standings: ranked(order), finished: seeds.length >= 2 && survivors.length === 1 };
}

/** `items` sorted by `compare`, equal items kept in their order (the seed order). */
function stableSort<T>(items: readonly T[], compare: (a: T, b: T) => number): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => compare(a.item, b.item) || a.index - b.index)
    .map(({ item }) => item);
}
