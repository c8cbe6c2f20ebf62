/**
 * Upstream simulator, data side: a fantasy-football season 2026/27 in the shape of the public
 * Fantasy Premier League API (teams, players, 380 fixtures, 38 gameweeks, entries, classic
 * leagues), generated deterministically from a numeric seed. Everything time-dependent is a pure
 * function of (seed, simulated now): fixtures kick off, scores tick, events finish, prices and
 * standings move. Rankings are computed lazily and memoised per (event, progress).
 */

import { SeasonPace, type PaceOptions } from './season-pace.ts';

export const EVENT_COUNT = 38;
export const STANDINGS_PAGE_SIZE = 50;
const TEAM_COUNT = 20;
const MINUTE = 60_000;
/** Saturday of gameweek 1; the season starts on Friday 2026-08-21. */
const FIRST_SATURDAY = Date.UTC(2026, 7, 22);
/** Kickoffs in minutes after each gameweek's Saturday 00:00Z: Sat 12:30, 15:00 ×6, 17:30, Sun 14:00, 16:30. */
const KICKOFF_SLOTS = [750, 900, 900, 900, 900, 900, 900, 1050, 2280, 2430];
const DEADLINE_BEFORE_KICKOFF = 90;
/** Simulated minutes from kickoff until the final whistle (minutes shown 0..90), then until `finished`. */
const WHISTLE_AFTER = 115;
const FINISHED_AFTER = 120;
const DATA_CHECKED_AFTER_END = 60;
/** Sum of the fixtures' minutes when every match of an event is over. */
const FULL_PROGRESS = 900;

const TOWNS = ['Ashford', 'Blackmoor', 'Carrow', 'Dunmere', 'Eastwick', 'Fernley', 'Glenholm', 'Harrowgate', 'Ironbridge', 'Kingsmere', 'Lowfield', 'Marston', 'Northbridge', 'Oakhaven', 'Penford', 'Queensbury', 'Redcliffe', 'Stonebury', 'Thornbury', 'Upton', 'Westholme', 'Yarrow', 'Brackwell', 'Coldharbour'];
const CLUB_SUFFIXES = ['Rovers', 'United', 'City', 'Athletic', 'Town', 'Wanderers', 'Albion', 'Rangers', 'Forest', 'County'];
const FIRST_NAMES = ['Alex', 'Ben', 'Callum', 'Dani', 'Elliot', 'Femi', 'Gabriel', 'Harvey', 'Ivan', 'Jamal', 'Kai', 'Luca', 'Mateo', 'Nico', 'Oscar', 'Pablo', 'Rafael', 'Sami', 'Theo', 'Yusuf', 'Amira', 'Chloe', 'Freya', 'Maya', 'Priya', 'Zara'];
const LAST_NAMES = ['Adeyemi', 'Barker', 'Costa', 'Dawson', 'Eriksen', 'Fofana', 'Garcia', 'Hughes', 'Ibrahim', 'Jensen', 'Kowalski', 'Lindqvist', 'Moreau', 'Nakamura', 'Okafor', 'Pereira', 'Quinn', 'Rossi', 'Silva', 'Tanaka', 'Umeh', 'Vidal', 'Walsh', 'Xhaka', 'Young', 'Zielinski'];
const SQUAD_ADJECTIVES = ['Mighty', 'Lucky', 'Dynamic', 'Sleepy', 'Clinical', 'Fearless', 'Golden', 'Rusty', 'Flying', 'Stubborn', 'Midnight', 'Galactic'];
const SQUAD_NOUNS = ['Owls', 'Badgers', 'Strikers', 'Pressers', 'Wingbacks', 'Foxes', 'Falcons', 'Donkeys', 'Xis', 'Tacticians', 'Ballers', 'Dreamers'];
const LEAGUE_NAMES = ['Overall Office League', 'Sunday Pub League', 'Family Cup', 'Old Uni Mates', 'Five-a-side Legends', 'The Data Team', 'Northbridge Supporters', 'Podcast Listeners', 'Neighbourhood Watch', 'Chess Club FPL', 'Veterans League', 'Group Chat', 'Rivals Only', 'Night Shift', 'Book Club', 'Gym Buddies', 'School Gate', 'Commuters', 'Kickoff Friends', 'Last Place Buys Pizza'];
/** League sizes before scaling to the number of entries (at 5000 entries: about 10 to 1500 members). */
const LEAGUE_WEIGHTS = [1500, 1200, 900, 700, 500, 400, 300, 250, 200, 150, 120, 100, 80, 60, 50, 40, 30, 20, 15, 10];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** Squad per team: 3 GK, 10 DEF, 10 MID, 7 FWD; a lineup is 1-4-4-2. */
const SQUAD_SHAPE: [ElementType, number, number][] = [[1, 3, 1], [2, 10, 4], [3, 10, 4], [4, 7, 2]];
const GOAL_POINTS = { 1: 6, 2: 6, 3: 5, 4: 4 } as const;
const CLEAN_SHEET_POINTS = { 1: 4, 2: 4, 3: 1, 4: 0 } as const;

/** Tags keeping the hash streams of different things apart. */
const S = { TeamOrder: 1, Strength: 2, Suffix: 3, Quality: 4, Name: 5, Status: 6, Rotation: 7, Fixtures: 8, Goals: 9, Price: 10, Popularity: 11, Entry: 12, Points: 13, Transfers: 14, Leagues: 15, League: 16 } as const;

export type ElementType = 1 | 2 | 3 | 4;
export interface Team { id: number; name: string; short_name: string; strength: number }
export interface Phase { id: number; name: string; start_event: number; stop_event: number }
export interface Element { id: number; web_name: string; first_name: string; second_name: string; team: number; element_type: ElementType; now_cost: number; total_points: number; form: string; selected_by_percent: string; status: 'a' | 'i' | 'd' }
export interface Fixture { id: number; event: number; team_h: number; team_a: number; kickoff_time: string; started: boolean; finished: boolean; finished_provisional: boolean; minutes: number; team_h_score: number | null; team_a_score: number | null }
export interface EventInfo { id: number; name: string; deadline_time: string; is_previous: boolean; is_current: boolean; is_next: boolean; finished: boolean; data_checked: boolean; average_entry_score: number; highest_score: number | null }
export interface LiveStats { minutes: number; goals_scored: number; assists: number; clean_sheets: number; bonus: number; total_points: number }
export interface LiveElement { id: number; stats: LiveStats; explain: never[] }
/** Where the season stands at a moment: current event (latest past deadline), live event, finished count. */
export interface SeasonClock { current: number | null; live: number | null; finished: number }

interface Player { id: number; team: number; type: ElementType; first: string; second: string; quality: number; baseCost: number }
interface Goal { minute: number; team: number; scorer: number; assister: number | null }
interface FixturePlan { id: number; event: number; home: number; away: number; kickoff: number; lineups: Map<number, Player[]>; goals: Goal[] }
interface EntryInfo { name: string; first: string; last: string; startedEvent: number; joined: number; leagues: number[] }
interface League { id: number; name: string; created: string; members: number[] }
interface Ranking { order: number[]; rank: Map<number, number> }
interface Snapshot { total: Int32Array; points: Int32Array; overallRank: Int32Array; eventRank: Int32Array }

/** mulberry32: a tiny seeded PRNG giving floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes integers into one 32-bit hash, so any (seed, thing, id, event) has its own random value. */
export function hash32(...keys: number[]): number {
  let h = 0x9e3779b9;
  for (const key of keys) {
    h ^= Math.imul(key | 0, 0xcc9e2d51);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

const at = <T>(items: ArrayLike<T>, index: number): T => items[index] as T;
const pick = <T>(items: readonly T[], r: number): T => at(items, Math.floor(r * items.length));
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const clamp = (lo: number, hi: number, x: number) => Math.min(hi, Math.max(lo, x));

/** Fisher–Yates with a seeded PRNG. */
function shuffle<T>(items: readonly T[], next: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [at(out, j), at(out, i)];
  }
  return out;
}

function poisson(lambda: number, next: () => number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  for (let p = next(); p > limit; p *= next()) k++;
  return k;
}

/** Competition ranking (1, 2, 2, 4) of ids by score, ties by id: the ids in order and each one's rank. */
function rankBy(ids: number[], score: (id: number) => number): { order: number[]; ranks: number[] } {
  const order = ids.slice().sort((a, b) => score(b) - score(a) || a - b);
  const ranks: number[] = [];
  order.forEach((id, i) => ranks.push(i > 0 && score(id) === score(at(order, i - 1)) ? at(ranks, i - 1) : i + 1));
  return { order, ranks };
}

/** Ranks indexed by entry id (0 = not ranked): compact enough to memoise per event. */
function rankArray(size: number, { order, ranks }: { order: number[]; ranks: number[] }): Int32Array {
  const out = new Int32Array(size);
  order.forEach((id, i) => (out[id] = at(ranks, i)));
  return out;
}

/** The whole season for one seed. Build it with `new Season(seed, entries)`; ask it anything with a simulated `now` (ms). */
export class Season {
  readonly teams: Team[];
  readonly phases: Phase[] = [];
  readonly leagues: League[] = [];
  private readonly players: Player[] = [];
  private readonly fixtures: FixturePlan[] = [];
  private readonly deadlines: number[] = [];
  /** Per event, when its last fixture is finished. */
  private readonly ends: number[] = [];
  private readonly entryInfo: EntryInfo[] = [];
  private readonly entryPoints: Int16Array;
  private readonly entryTransfers: Int8Array;
  private readonly finalStats = new Map<number, Map<number, LiveStats>>();
  private readonly finalSnapshots = new Map<number, Snapshot>();
  private readonly liveSnapshots = new Map<string, Snapshot>();
  private readonly leagueRankings = new Map<string, Ranking>();
  private readonly elementsByFinished = new Map<number, Element[]>();
  private readonly eventScores = new Map<number, { average: number; highest: number }>();

  constructor(
    readonly seed: number,
    readonly entryCount: number,
  ) {
    const rand = (...keys: number[]) => hash32(seed, ...keys) / 4294967296;
    const towns = shuffle(TOWNS, mulberry32(hash32(seed, S.TeamOrder)));
    this.teams = towns.slice(0, TEAM_COUNT).map((town, i) => ({
      id: i + 1,
      name: `${town} ${pick(CLUB_SUFFIXES, rand(S.Suffix, i))}`,
      short_name: town.slice(0, 3).toUpperCase(),
      strength: 2 + Math.floor(rand(S.Strength, i) * 4),
    }));
    for (const team of this.teams) {
      for (const [type, count] of SQUAD_SHAPE) {
        for (let n = 0; n < count; n++) {
          const id = this.players.length + 1;
          const quality = rand(S.Quality, id) ** 1.5 * (0.6 + team.strength / 10);
          const [lo, hi] = type === 1 ? [40, 60] : type === 2 ? [40, 70] : [45, 130];
          this.players.push({ id, team: team.id, type, first: pick(FIRST_NAMES, rand(S.Name, id, 1)), second: pick(LAST_NAMES, rand(S.Name, id, 2)), quality, baseCost: Math.round(lo + (hi - lo) * Math.min(1, quality)) });
        }
      }
    }
    this.buildFixtures(rand);
    for (let event = 1; event <= EVENT_COUNT; event++) {
      const kickoffs = this.fixturesOf(event).map((f) => f.kickoff);
      this.deadlines.push(Math.min(...kickoffs) - DEADLINE_BEFORE_KICKOFF * MINUTE);
      this.ends.push(Math.max(...kickoffs) + FINISHED_AFTER * MINUTE);
    }
    this.phases.push({ id: 1, name: 'Overall', start_event: 1, stop_event: EVENT_COUNT });
    this.deadlines.forEach((deadline, i) => {
      const name = at(MONTHS, new Date(deadline).getUTCMonth());
      const last = this.phases.at(-1)!;
      if (last.name === name) last.stop_event = i + 1;
      else this.phases.push({ id: this.phases.length + 1, name, start_event: i + 1, stop_event: i + 1 });
    });
    this.entryPoints = new Int16Array((entryCount + 1) * (EVENT_COUNT + 1));
    this.entryTransfers = new Int8Array((entryCount + 1) * (EVENT_COUNT + 1));
    this.buildEntries(rand);
  }

  private buildFixtures(rand: (...keys: number[]) => number): void {
    const next = mulberry32(hash32(this.seed, S.Fixtures));
    const order = shuffle(this.teams.map((t) => t.id), next);
    for (let round = 0; round < EVENT_COUNT; round++) {
      // Circle method: team order[0] stays put, the others rotate; the second half mirrors the first.
      const r = round % (TEAM_COUNT - 1);
      const rotated = [at(order, 0), ...order.slice(1).map((_, i) => at(order, 1 + ((i + r) % (TEAM_COUNT - 1))))];
      const pairs = Array.from({ length: TEAM_COUNT / 2 }, (_, i) => {
        const [a, b] = [at(rotated, i), at(rotated, TEAM_COUNT - 1 - i)];
        const flip = (i === 0 ? r % 2 === 1 : i % 2 === 1) !== round >= TEAM_COUNT - 1;
        return flip ? [b, a] : [a, b];
      });
      shuffle(pairs, next).forEach(([home, away], slot) => {
        const event = round + 1;
        const id = this.fixtures.length + 1;
        const lineups = new Map([home!, away!].map((team) => [team, this.lineup(team, event, rand)]));
        const goals: Goal[] = [];
        const goalRng = mulberry32(hash32(this.seed, S.Goals, id));
        for (const [team, opponent, bonus] of [[home!, away!, 0.25], [away!, home!, 0]] as const) {
          const lambda = Math.max(0.35, 1.3 + 0.3 * (this.team(team).strength - this.team(opponent).strength) + bonus);
          const xi = lineups.get(team)!;
          for (let g = poisson(lambda, goalRng); g > 0; g--) {
            const scorer = this.weighted(xi, [0, 1, 3, 6], goalRng);
            const assister = goalRng() < 0.7 ? this.weighted(xi.filter((p) => p !== scorer), [0.1, 2, 4, 2], goalRng) : null;
            goals.push({ minute: 1 + Math.floor(goalRng() * 90), team, scorer: scorer.id, assister: assister?.id ?? null });
          }
        }
        goals.sort((a, b) => a.minute - b.minute);
        this.fixtures.push({ id, event, home: home!, away: away!, kickoff: FIRST_SATURDAY + round * 7 * 1440 * MINUTE + at(KICKOFF_SLOTS, slot) * MINUTE, lineups, goals });
      });
    }
  }

  private weighted(players: Player[], weights: number[], next: () => number): Player {
    const total = players.reduce((sum, p) => sum + at(weights, p.type - 1), 0);
    let r = next() * total;
    for (const p of players) if ((r -= at(weights, p.type - 1)) < 0) return p;
    return players.at(-1)!;
  }

  /** The 1-4-4-2 a team fields in an event: best available by quality plus a little rotation; injured players sit out. */
  private lineup(team: number, event: number, rand: (...keys: number[]) => number): Player[] {
    const squad = this.players.filter((p) => p.team === team && this.status(p.id, event) !== 'i');
    return SQUAD_SHAPE.flatMap(([type, , starters]) =>
      squad
        .filter((p) => p.type === type)
        .map((p) => ({ p, score: p.quality + 0.3 * rand(S.Rotation, p.id, event) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, starters)
        .map(({ p }) => p),
    );
  }

  private status(player: number, event: number): Element['status'] {
    const r = hash32(this.seed, S.Status, player, event) / 4294967296;
    return r < 0.03 ? 'i' : r < 0.07 ? 'd' : 'a';
  }

  private buildEntries(rand: (...keys: number[]) => number): void {
    const weightTotal = LEAGUE_WEIGHTS.reduce((a, b) => a + b, 0);
    LEAGUE_NAMES.forEach((name, i) => this.leagues.push({ id: i + 1, name, created: iso(Date.UTC(2026, 6, 1 + i, 9 + (i % 10))), members: [] }));
    this.entryInfo.push({ name: '', first: '', last: '', startedEvent: 0, joined: 0, leagues: [] });
    for (let id = 1; id <= this.entryCount; id++) {
      const started = rand(S.Entry, id, 1) < 0.75 ? 1 : 2 + Math.floor(rand(S.Entry, id, 2) * 19);
      const info: EntryInfo = {
        name: `${pick(SQUAD_ADJECTIVES, rand(S.Entry, id, 3))} ${pick(SQUAD_NOUNS, rand(S.Entry, id, 4))}`,
        first: pick(FIRST_NAMES, rand(S.Entry, id, 5)),
        last: pick(LAST_NAMES, rand(S.Entry, id, 6)),
        startedEvent: started,
        joined: at(this.deadlines, started - 1) - Math.floor(rand(S.Entry, id, 7) * 30 * 1440) * MINUTE,
        leagues: [],
      };
      this.entryInfo.push(info);
      for (let event = 1; event <= EVENT_COUNT; event++) {
        const slot = id * (EVENT_COUNT + 1) + event;
        this.entryPoints[slot] = 30 + Math.floor(35 * (rand(S.Points, id, event, 1) + rand(S.Points, id, event, 2)));
        const t = rand(S.Transfers, id, event);
        this.entryTransfers[slot] = event === started ? 0 : t < 0.35 ? 0 : t < 0.8 ? 1 : t < 0.95 ? 2 : 3;
      }
      if (this.isDeleted(id)) continue;
      const wanted = rand(S.Leagues, id, 0) < 0.7 ? 1 : rand(S.Leagues, id, 0) < 0.92 ? 2 : 3;
      const leagueRng = mulberry32(hash32(this.seed, S.Leagues, id));
      while (info.leagues.length < wanted) {
        let r = leagueRng() * weightTotal;
        const index = LEAGUE_WEIGHTS.findIndex((w) => (r -= w) < 0);
        const league = at(this.leagues, index < 0 ? 0 : index);
        if (!info.leagues.includes(league.id)) {
          info.leagues.push(league.id);
          league.members.push(id);
        }
      }
    }
  }

  private team(id: number): Team {
    return at(this.teams, id - 1);
  }

  private fixturesOf(event: number): FixturePlan[] {
    return this.fixtures.slice((event - 1) * 10, event * 10);
  }

  /** Entries that were deleted upstream (every 97th id): they answer 404 and are in no league. */
  isDeleted(id: number): boolean {
    return id % 97 === 0;
  }

  /** The clock's pace over this season's deadlines and matches (see season-pace.ts). */
  pace(options: PaceOptions): SeasonPace {
    return new SeasonPace(this.deadlines, this.fixtures.map((fixture) => ({ kickoff: fixture.kickoff, finishedAfterMinutes: FINISHED_AFTER })), options);
  }

  deadline(event: number): number {
    return at(this.deadlines, event - 1);
  }

  /** Simulated time for a clock jump: 1 minute before N's deadline, 30 minutes after its first kickoff, or 3 hours after it ends. */
  timeFor(event: number, phase: 'before-deadline' | 'live' | 'finished'): number {
    if (phase === 'before-deadline') return this.deadline(event) - MINUTE;
    if (phase === 'live') return this.deadline(event) + (DEADLINE_BEFORE_KICKOFF + 30) * MINUTE;
    return at(this.ends, event - 1) + 180 * MINUTE;
  }

  clock(now: number): SeasonClock {
    const current = this.deadlines.filter((d) => d <= now).length;
    let finished = 0;
    while (finished < EVENT_COUNT && now >= at(this.ends, finished)) finished++;
    return { current: current || null, live: current > finished ? current : null, finished };
  }

  events(now: number): EventInfo[] {
    const { current, finished } = this.clock(now);
    return this.deadlines.map((deadline, i) => {
      const id = i + 1;
      const done = id <= finished;
      const scores = done ? this.eventScore(id) : null;
      return {
        id,
        name: `Gameweek ${id}`,
        deadline_time: iso(deadline),
        is_previous: current !== null && id === current - 1,
        is_current: id === current,
        is_next: id === (current ?? 0) + 1,
        finished: done,
        data_checked: now >= at(this.ends, i) + DATA_CHECKED_AFTER_END * MINUTE,
        average_entry_score: scores?.average ?? 0,
        highest_score: scores?.highest ?? null,
      };
    });
  }

  private fixtureMinutes(fixture: FixturePlan, now: number): number {
    const elapsed = (now - fixture.kickoff) / MINUTE;
    return elapsed < 0 ? 0 : Math.min(90, Math.floor((elapsed * 90) / WHISTLE_AFTER));
  }

  fixtureList(now: number, event?: number): Fixture[] {
    return (event === undefined ? this.fixtures : this.fixtures.filter((f) => f.event === event)).map((f) => {
      const started = now >= f.kickoff;
      const minutes = this.fixtureMinutes(f, now);
      const score = (team: number) => (started ? f.goals.filter((g) => g.team === team && g.minute <= minutes).length : null);
      return {
        id: f.id,
        event: f.event,
        team_h: f.home,
        team_a: f.away,
        kickoff_time: iso(f.kickoff),
        started,
        finished: now >= f.kickoff + FINISHED_AFTER * MINUTE,
        finished_provisional: now >= f.kickoff + WHISTLE_AFTER * MINUTE,
        minutes,
        team_h_score: score(f.home),
        team_a_score: score(f.away),
      };
    });
  }

  /** Stats of every player of both teams at a minute of a fixture; bonus (3/2/1 to the top three) once the whistle went. */
  private fixtureStats(f: FixturePlan, minutes: number, whistle: boolean): Map<number, LiveStats> {
    const stats = new Map<number, LiveStats>();
    for (const team of [f.home, f.away]) {
      const xi = new Set(f.lineups.get(team)!.map((p) => p.id));
      const conceded = f.goals.filter((g) => g.team !== team && g.minute <= minutes).length;
      for (const p of this.players.filter((p) => p.team === team)) {
        const played = xi.has(p.id) ? minutes : 0;
        const goals = f.goals.filter((g) => g.scorer === p.id && g.minute <= minutes).length;
        const assists = f.goals.filter((g) => g.assister === p.id && g.minute <= minutes).length;
        const cleanSheet = played >= 60 && conceded === 0 && p.type !== 4 ? 1 : 0;
        const points = (played === 0 ? 0 : played >= 60 ? 2 : 1) + goals * GOAL_POINTS[p.type] + assists * 3 + cleanSheet * CLEAN_SHEET_POINTS[p.type];
        stats.set(p.id, { minutes: played, goals_scored: goals, assists, clean_sheets: cleanSheet, bonus: 0, total_points: points });
      }
    }
    if (whistle) {
      const top = [...stats.entries()].filter(([, s]) => s.minutes > 0).sort(([a, x], [b, y]) => y.total_points - x.total_points || a - b);
      top.slice(0, 3).forEach(([, s], i) => {
        s.bonus = 3 - i;
        s.total_points += 3 - i;
      });
    }
    return stats;
  }

  private eventStats(event: number, now: number): Map<number, LiveStats> {
    const stats = new Map<number, LiveStats>();
    for (const f of this.fixturesOf(event)) {
      if (now < f.kickoff) continue;
      for (const [id, s] of this.fixtureStats(f, this.fixtureMinutes(f, now), now >= f.kickoff + WHISTLE_AFTER * MINUTE)) stats.set(id, s);
    }
    return stats;
  }

  private finalEventStats(event: number): Map<number, LiveStats> {
    let stats = this.finalStats.get(event);
    if (!stats) this.finalStats.set(event, (stats = this.eventStats(event, Infinity)));
    return stats;
  }

  /** GET /api/event/N/live/: players whose team has a started fixture in the event. */
  live(event: number, now: number): LiveElement[] {
    const stats = this.eventStats(event, now);
    return [...stats.keys()].sort((a, b) => a - b).map((id) => ({ id, stats: stats.get(id)!, explain: [] }));
  }

  /** Players as of `now`: prices, points and form move each time an event finishes. */
  elements(now: number): Element[] {
    const finished = this.clock(now).finished;
    let elements = this.elementsByFinished.get(finished);
    if (elements) return elements;
    const cost = this.players.map((p) => p.baseCost);
    const total = this.players.map(() => 0);
    for (let event = 1; event <= finished; event++) {
      const stats = this.finalEventStats(event);
      this.players.forEach((p, i) => {
        const points = stats.get(p.id)?.total_points ?? 0;
        const r = hash32(this.seed, S.Price, p.id, event) / 4294967296;
        total[i] = at(total, i) + points;
        cost[i] = clamp(40, 130, at(cost, i) + (points >= 8 && r < 0.5 ? 1 : points <= 1 && r < 0.15 ? -1 : 0));
      });
    }
    const recent = Array.from({ length: Math.min(4, finished) }, (_, k) => this.finalEventStats(finished - k));
    elements = this.players.map((p, i) => {
      const form = recent.length ? recent.reduce((sum, s) => sum + (s.get(p.id)?.total_points ?? 0), 0) / recent.length : 0;
      const popularity = p.quality ** 2 * 35 + form * 2 + (hash32(this.seed, S.Popularity, p.id, finished) / 4294967296) * 3;
      return {
        id: p.id,
        web_name: p.second,
        first_name: p.first,
        second_name: p.second,
        team: p.team,
        element_type: p.type,
        now_cost: at(cost, i),
        total_points: at(total, i),
        form: form.toFixed(1),
        selected_by_percent: clamp(0, 80, popularity).toFixed(1),
        status: this.status(p.id, Math.min(EVENT_COUNT, finished + 1)),
      };
    });
    this.elementsByFinished.set(finished, elements);
    return elements;
  }

  private eventScore(event: number): { average: number; highest: number } {
    let score = this.eventScores.get(event);
    if (score) return score;
    const points = this.activeEntries(event).map((id) => this.points(id, event));
    score = { average: Math.round(points.reduce((a, b) => a + b, 0) / Math.max(1, points.length)), highest: Math.max(0, ...points) };
    this.eventScores.set(event, score);
    return score;
  }

  private points(entry: number, event: number): number {
    return at(this.entryPoints, entry * (EVENT_COUNT + 1) + event);
  }

  private transfers(entry: number, event: number): number {
    return at(this.entryTransfers, entry * (EVENT_COUNT + 1) + event);
  }

  private activeEntries(event: number): number[] {
    const ids: number[] = [];
    for (let id = 1; id <= this.entryCount; id++) if (!this.isDeleted(id) && at(this.entryInfo, id).startedEvent <= event) ids.push(id);
    return ids;
  }

  /** How far an event has got: the sum of its fixtures' minutes, FULL_PROGRESS when all are over. */
  private progress(event: number, now: number): number {
    return this.fixturesOf(event).reduce((sum, f) => sum + this.fixtureMinutes(f, now), 0);
  }

  /** Every entry's total, event points and ranks after `event` with the event `progress` along (provisional points scale with it). */
  private snapshot(event: number, progress: number): Snapshot {
    const final = progress >= FULL_PROGRESS;
    const key = `${event}:${progress}`;
    const memo = final ? this.finalSnapshots.get(event) : this.liveSnapshots.get(key);
    if (memo) return memo;
    const previous = event > 1 ? this.snapshot(event - 1, FULL_PROGRESS) : null;
    const total = previous ? previous.total.slice() : new Int32Array(this.entryCount + 1);
    const points = new Int32Array(this.entryCount + 1);
    const active = this.activeEntries(event);
    for (const id of active) {
      points[id] = final ? this.points(id, event) : Math.round((this.points(id, event) * progress) / FULL_PROGRESS);
      total[id] = at(total, id) + at(points, id) - 4 * Math.max(0, this.transfers(id, event) - 1);
    }
    const size = this.entryCount + 1;
    const snapshot = { total, points, overallRank: rankArray(size, rankBy(active, (id) => at(total, id))), eventRank: rankArray(size, rankBy(active, (id) => at(points, id))) };
    if (final) this.finalSnapshots.set(event, snapshot);
    else {
      if (this.liveSnapshots.size > 50) this.liveSnapshots.clear();
      this.liveSnapshots.set(key, snapshot);
    }
    return snapshot;
  }

  private snapshotAt(event: number, now: number): Snapshot {
    return this.snapshot(event, this.progress(event, now));
  }

  private leagueRanking(league: League, event: number, now: number): Ranking {
    const progress = this.progress(event, now);
    const key = `${league.id}:${event}:${progress}`;
    let ranking = this.leagueRankings.get(key);
    if (ranking) return ranking;
    const { total } = this.snapshot(event, progress);
    const { order, ranks } = rankBy(league.members.filter((id) => at(this.entryInfo, id).startedEvent <= event), (id) => at(total, id));
    ranking = { order, rank: new Map(order.map((id, i) => [id, at(ranks, i)])) };
    if (this.leagueRankings.size > 500) this.leagueRankings.clear();
    this.leagueRankings.set(key, ranking);
    return ranking;
  }

  private preseasonRanking(league: League): Ranking {
    const order = league.members.filter((id) => at(this.entryInfo, id).startedEvent <= 1).sort((a, b) => a - b);
    return { order, rank: new Map(order.map((id) => [id, 1])) };
  }

  private exists(id: number): boolean {
    return Number.isInteger(id) && id >= 1 && id <= this.entryCount && !this.isDeleted(id);
  }

  /** GET /api/entry/N/: null for unknown or deleted entries. */
  entry(id: number, now: number) {
    if (!this.exists(id)) return null;
    const info = at(this.entryInfo, id);
    const { current } = this.clock(now);
    const playing = current !== null && info.startedEvent <= current;
    const snapshot = playing ? this.snapshotAt(current, now) : null;
    return {
      id,
      name: info.name,
      player_first_name: info.first,
      player_last_name: info.last,
      started_event: info.startedEvent,
      joined_time: iso(info.joined),
      current_event: current,
      summary_overall_points: snapshot ? at(snapshot.total, id) : 0,
      summary_overall_rank: snapshot ? at(snapshot.overallRank, id) : null,
      summary_event_points: snapshot ? at(snapshot.points, id) : 0,
      leagues: {
        classic: info.leagues.map((leagueId) => {
          const league = at(this.leagues, leagueId - 1);
          const rank = (event: number) => (current !== null && event >= 1 ? (this.leagueRanking(league, event, now).rank.get(id) ?? 0) : 0);
          return { id: league.id, name: league.name, entry_rank: current ? rank(current) : 0, entry_last_rank: current ? rank(current - 1) : 0 };
        }),
      },
    };
  }

  /** GET /api/entry/N/history/: one row per finished or live event since the entry started. */
  entryHistory(id: number, now: number) {
    if (!this.exists(id)) return null;
    const info = at(this.entryInfo, id);
    const current = this.clock(now).current ?? 0;
    const rows = [];
    for (let event = info.startedEvent; event <= current; event++) {
      const snapshot = this.snapshotAt(event, now);
      const transfers = this.transfers(id, event);
      const r = (salt: number) => hash32(this.seed, S.Entry, id, event, salt) / 4294967296;
      rows.push({
        event,
        points: at(snapshot.points, id),
        total_points: at(snapshot.total, id),
        rank: at(snapshot.eventRank, id),
        overall_rank: at(snapshot.overallRank, id),
        event_transfers: transfers,
        event_transfers_cost: 4 * Math.max(0, transfers - 1),
        value: 1000 + Math.round((event - info.startedEvent) * (r(1) * 4 - 1)),
        bank: Math.floor(r(2) * 30),
        points_on_bench: Math.floor(r(3) * 16),
      });
    }
    return { current: rows, past: [], chips: [] };
  }

  /** GET /api/leagues-classic/N/standings/: 50 a page, ranked by total points so far; null for unknown leagues. */
  standings(leagueId: number, page: number, now: number) {
    const league = this.leagues[leagueId - 1];
    if (!league) return null;
    const { current } = this.clock(now);
    // Before the first deadline the league already has its members, all at 0 points (tied first).
    const ranking = current ? this.leagueRanking(league, current, now) : this.preseasonRanking(league);
    const lastRank = current && current > 1 ? this.leagueRanking(league, current - 1, now).rank : new Map<number, number>();
    const snapshot = current ? this.snapshotAt(current, now) : null;
    const from = (page - 1) * STANDINGS_PAGE_SIZE;
    return {
      league: { id: league.id, name: league.name, created: league.created },
      standings: {
        has_next: ranking.order.length > from + STANDINGS_PAGE_SIZE,
        page,
        results: ranking.order.slice(from, from + STANDINGS_PAGE_SIZE).map((entry) => {
          const info = at(this.entryInfo, entry);
          return {
            id: hash32(this.seed, S.League, league.id, entry) % 1e8,
            entry,
            entry_name: info.name,
            player_name: `${info.first} ${info.last}`,
            rank: ranking.rank.get(entry)!,
            last_rank: lastRank.get(entry) ?? 0,
            total: snapshot ? at(snapshot.total, entry) : 0,
            event_total: snapshot ? at(snapshot.points, entry) : 0,
          };
        }),
      },
    };
  }
}
