/**
 * Upstream simulator: a deterministic fantasy-football HTTP API in the shape of the public
 * Fantasy Premier League API, on node:http. The season (see season.ts) follows a simulated
 * clock; /admin/* routes move the clock and switch on faults (latency, errors, rate limits,
 * missing entries, inconsistent bootstrap data) that apply to /api/* only.
 * Run directly: `node --import tsx scripts/upstream/server.ts` (port UPSTREAM_PORT, default 3101).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { isListenError, portMessage, simulatorPortClaim } from '../lib/port-check.ts';
import type { PaceOptions, SeasonPace } from './season-pace.ts';
import { EVENT_COUNT, Season, hash32, mulberry32 } from './season.ts';

/** Response headers naming the simulated time (ISO) and its speed; a real upstream sends neither. */
export const upstreamTimeHeader = 'x-upstream-time';
export const upstreamSpeedHeader = 'x-upstream-speed';

export interface UpstreamServerOptions {
  /** Seed for all generated data. Default: 2026 */
  seed?: number;
  /** Season clock speed: simulated seconds per real second. Default: 60 (one real minute = one simulated hour) */
  speed?: number;
  /** Simulated time at server start (ISO). Default: one hour before gameweek 1's deadline */
  startAt?: string;
  /** Number of entries (fantasy managers). Default: 5000 */
  entries?: number;
  /**
   * The clock's pace relative to `speed` (season-pace.ts): `quiet` outside the matches and the
   * hour before each deadline, `selection` in that hour. Default: 1 and 1 (a linear clock).
   */
  pace?: Partial<PaceOptions>;
}

/** `npm start`'s pace (UPSTREAM_PACE=demo): slower in the selection hour, twenty times faster when nothing happens. */
export const demoPace: PaceOptions = { quiet: 20, selection: 0.25 };

export type CorruptMode = 'none' | 'bootstrap-missing-team' | 'bootstrap-bad-event-count';

export interface UpstreamFaults {
  /** Delay before every /api answer, in ms. Default: 0 */
  latencyMs: number;
  /** Share of /api requests answered 500, 502 or 503 (0..1). Default: 0 */
  errorRate: number;
  /** Answer 429 (Retry-After) once more than perMinute requests were served in a rolling real minute. Default: null */
  rateLimit: { perMinute: number; retryAfterSeconds: number } | null;
  /** Extra entry ids answering 404 (on top of the deleted ones). Default: [] */
  notFoundEntries: number[];
  /** Make bootstrap-static inconsistent: a player of a team that does not exist, or 37 events. Default: 'none' */
  corrupt: CorruptMode;
}

/** What GET /admin/state answers. */
export interface UpstreamStateView {
  now: string;
  speed: number;
  seed: number;
  currentEvent: number | null;
  liveEvent: number | null;
  faults: UpstreamFaults;
  requests: { total: number; byRoute: Record<string, number> };
}

/** The simulator's mutable state: the clock, the faults and the request counters. */
export class UpstreamState {
  readonly season: Season;
  readonly startAt: number;
  faults: UpstreamFaults = noFaults();
  requests = { total: 0, byRoute: {} as Record<string, number> };
  /** Real times (ms) of the /api requests served within the last minute, for the rate limit. */
  served: number[] = [];
  errorDraw: () => number;
  speed: number;
  readonly pace: SeasonPace;
  private simAtBase: number;
  private realAtBase = Date.now();

  constructor(readonly options: Required<Omit<UpstreamServerOptions, 'startAt' | 'pace'>> & Pick<UpstreamServerOptions, 'startAt' | 'pace'>) {
    this.season = new Season(options.seed, options.entries);
    this.pace = this.season.pace({ quiet: options.pace?.quiet ?? 1, selection: options.pace?.selection ?? 1 });
    this.startAt = options.startAt !== undefined ? Date.parse(options.startAt) : this.season.deadline(1) - 3_600_000;
    if (Number.isNaN(this.startAt)) throw new Error(`startAt is not a date: ${options.startAt}`);
    this.simAtBase = this.startAt;
    this.speed = options.speed;
    this.errorDraw = mulberry32(hash32(options.seed, 0xfa17));
  }

  /** Simulated now, in ms: startAt + (realNow - realStart) * speed, at the season's pace. */
  now(): number {
    const real = Date.now();
    const now = this.pace.advance(this.simAtBase, real - this.realAtBase, this.speed);
    // A paced clock walks its stretches from the base: move the base along now and then.
    if (!this.pace.linear && real - this.realAtBase > 10_000) {
      this.simAtBase = now;
      this.realAtBase = real;
    }
    return now;
  }

  /** Simulated seconds per real second just now (the speed at the current pace). */
  currentSpeed(): number {
    return this.speed * this.pace.rateAt(this.now());
  }

  setClock(simulatedMs: number, speed = this.speed): void {
    this.simAtBase = simulatedMs;
    this.realAtBase = Date.now();
    this.speed = speed;
  }

  reset(): void {
    this.setClock(this.startAt, this.options.speed);
    this.faults = noFaults();
    this.requests = { total: 0, byRoute: {} };
    this.served = [];
    this.errorDraw = mulberry32(hash32(this.options.seed, 0xfa17));
  }

  view(): UpstreamStateView {
    const now = this.now();
    const clock = this.season.clock(now);
    return { now: new Date(now).toISOString(), speed: this.speed, seed: this.options.seed, currentEvent: clock.current, liveEvent: clock.live, faults: this.faults, requests: this.requests };
  }
}

const noFaults = (): UpstreamFaults => ({ latencyMs: 0, errorRate: 0, rateLimit: null, notFoundEntries: [], corrupt: 'none' });

const clockBody = z
  .object({
    now: z.iso.datetime({ offset: true }).optional(),
    speed: z.number().min(0).optional(),
    advanceMinutes: z.number().optional(),
    toEvent: z.number().int().min(1).max(EVENT_COUNT).optional(),
    phase: z.enum(['before-deadline', 'live', 'finished']).optional(),
  })
  .strict()
  .refine((b) => (b.toEvent === undefined) === (b.phase === undefined), { message: 'toEvent and phase go together', path: ['phase'] });

const faultsBody = z
  .object({
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    errorRate: z.number().min(0).max(1).optional(),
    rateLimit: z.object({ perMinute: z.number().int().min(1), retryAfterSeconds: z.number().int().min(0) }).strict().nullable().optional(),
    notFoundEntries: z.array(z.number().int().min(1)).optional(),
    corrupt: z.enum(['none', 'bootstrap-missing-team', 'bootstrap-bad-event-count']).optional(),
  })
  .strict();

type Reply = { status: number; body: unknown; headers?: Record<string, string> };
type Handler = (params: number[], query: URLSearchParams, state: UpstreamState, body: unknown) => Reply;

const ok = (body: unknown): Reply => ({ status: 200, body });
const notFound = (): Reply => ({ status: 404, body: { detail: 'Not found.' } });
const found = (body: unknown): Reply => (body === null ? notFound() : ok(body));
const invalid = (error: z.ZodError): Reply => ({ status: 400, body: { error: { code: 'invalid_body', message: z.prettifyError(error), details: error.issues } } });

function entryRoute(read: (season: Season, id: number, now: number) => unknown): Handler {
  return ([id], _query, state) => (state.faults.notFoundEntries.includes(id!) ? notFound() : found(read(state.season, id!, state.now())));
}

/** Routes as [method, path pattern (numbers captured), name for the counters, handler]. */
const routes: [string, RegExp, string, Handler][] = [
  ['GET', /^\/api\/bootstrap-static$/, 'bootstrap-static', (_p, _q, state) => {
    const now = state.now();
    const { season, faults } = state;
    let elements = season.elements(now);
    let events = season.events(now);
    if (faults.corrupt === 'bootstrap-missing-team') elements = elements.map((e, i) => (i === 0 ? { ...e, team: season.teams.length + 1 } : e));
    if (faults.corrupt === 'bootstrap-bad-event-count') events = events.slice(0, EVENT_COUNT - 1);
    const elementTypes = (['Goalkeeper', 'Defender', 'Midfielder', 'Forward'] as const).map((name, i) => ({
      id: i + 1,
      singular_name: name,
      singular_name_short: ['GKP', 'DEF', 'MID', 'FWD'][i],
      plural_name: `${name}s`,
      element_count: elements.filter((e) => e.element_type === i + 1).length,
    }));
    const totalPlayers = season.entryCount - Math.floor(season.entryCount / 97);
    return ok({ events, phases: season.phases, teams: season.teams, elements, element_types: elementTypes, total_players: totalPlayers });
  }],
  ['GET', /^\/api\/fixtures$/, 'fixtures', (_p, query, state) => {
    const event = query.get('event');
    return ok(state.season.fixtureList(state.now(), event === null ? undefined : Number(event)));
  }],
  ['GET', /^\/api\/event\/(\d+)\/live$/, 'event-live', ([event], _q, state) =>
    event! >= 1 && event! <= EVENT_COUNT ? ok({ elements: state.season.live(event!, state.now()) }) : notFound()],
  ['GET', /^\/api\/entry\/(\d+)$/, 'entry', entryRoute((season, id, now) => season.entry(id, now))],
  ['GET', /^\/api\/entry\/(\d+)\/history$/, 'entry-history', entryRoute((season, id, now) => season.entryHistory(id, now))],
  ['GET', /^\/api\/leagues-classic\/(\d+)\/standings$/, 'league-standings', ([league], query, state) => {
    const page = Math.max(1, Number.parseInt(query.get('page_standings') ?? query.get('page') ?? '1', 10) || 1);
    return found(state.season.standings(league!, page, state.now()));
  }],
  // The league clock: what time it is in the season (every answer also says it, in x-upstream-time).
  ['GET', /^\/time$/, 'time', (_p, _q, state) => ok({ now: new Date(state.now()).toISOString(), speed: state.currentSpeed() })],
  ['GET', /^\/admin\/state$/, 'admin-state', (_p, _q, state) => ok(state.view())],
  ['POST', /^\/admin\/clock$/, 'admin-clock', (_p, _q, state, raw) => {
    const parsed = clockBody.safeParse(raw);
    if (!parsed.success) return invalid(parsed.error);
    const body = parsed.data;
    let now = body.now ? Date.parse(body.now) : state.now();
    if (body.toEvent !== undefined && body.phase) now = state.season.timeFor(body.toEvent, body.phase);
    if (body.advanceMinutes !== undefined) now += body.advanceMinutes * 60_000;
    state.setClock(now, body.speed ?? state.speed);
    return ok(state.view());
  }],
  ['POST', /^\/admin\/faults$/, 'admin-faults', (_p, _q, state, raw) => {
    const parsed = faultsBody.safeParse(raw);
    if (!parsed.success) return invalid(parsed.error);
    const changes = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
    state.faults = { ...state.faults, ...changes };
    return ok(state.view());
  }],
  ['POST', /^\/admin\/faults\/reset$/, 'admin-faults-reset', (_p, _q, state) => {
    state.faults = noFaults();
    state.served = [];
    return ok(state.view());
  }],
  ['POST', /^\/admin\/reset$/, 'admin-reset', (_p, _q, state) => {
    state.reset();
    return ok(state.view());
  }],
];

/** The faults in front of every /api route, in order: rate limit, then the error draw. Null lets the request through. */
function faultReply(state: UpstreamState): Reply | null {
  const { rateLimit, errorRate } = state.faults;
  if (rateLimit) {
    const realNow = Date.now();
    state.served = state.served.filter((t) => t > realNow - 60_000);
    if (state.served.length >= rateLimit.perMinute) {
      const detail = `Request was throttled. Expected available in ${rateLimit.retryAfterSeconds} seconds.`;
      return { status: 429, body: { detail }, headers: { 'retry-after': String(rateLimit.retryAfterSeconds) } };
    }
    state.served.push(realNow);
  }
  if (errorRate > 0) {
    const draw = state.errorDraw();
    if (draw < errorRate) {
      const status = [500, 502, 503][Math.floor((draw / errorRate) * 3)] ?? 503;
      return { status, body: { detail: status === 503 ? 'The game is being updated.' : 'Upstream error.' } };
    }
  }
  return null;
}

async function readJson(request: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false }> {
  let raw = '';
  for await (const chunk of request) raw += String(chunk);
  if (!raw.trim()) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

export interface UpstreamServer {
  server: Server;
  /** Listens on 127.0.0.1 and resolves the actual port. Default port: 3101 (pass 0 for any free one). */
  listen(port?: number): Promise<number>;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
  state: UpstreamState;
}

export function createUpstreamServer(options: UpstreamServerOptions = {}): UpstreamServer {
  const state = new UpstreamState({ seed: options.seed ?? 2026, speed: options.speed ?? 60, startAt: options.startAt, entries: options.entries ?? 5000, pace: options.pace });
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => (timers.delete(timer), resolve()), ms);
      timers.add(timer);
    });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://upstream.local');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = request.method ?? 'GET';
    const match = routes.map(([m, pattern, name, handler]) => ({ m, name, handler, groups: pattern.exec(path) })).find((r) => r.m === method && r.groups);
    const isApi = path.startsWith('/api/');
    let reply: Reply;
    if (isApi) {
      const name = match?.name ?? 'not-found';
      state.requests.total++;
      state.requests.byRoute[name] = (state.requests.byRoute[name] ?? 0) + 1;
      if (state.faults.latencyMs > 0) await sleep(state.faults.latencyMs);
    }
    const fault = isApi ? faultReply(state) : null;
    if (fault) reply = fault;
    else if (!match) reply = notFound();
    else {
      const body = method === 'POST' ? await readJson(request) : { ok: true as const, value: undefined };
      reply = body.ok
        ? match.handler(match.groups!.slice(1).map(Number), url.searchParams, state, body.value)
        : { status: 400, body: { error: { code: 'invalid_body', message: 'Body is not valid JSON', details: [] } } };
    }
    // The simulated time and how fast it runs, on every answer: the pack's league clock reads them.
    const clock = { [upstreamTimeHeader]: new Date(state.now()).toISOString(), [upstreamSpeedHeader]: String(state.currentSpeed()) };
    response.writeHead(reply.status, { 'content-type': 'application/json', ...clock, ...reply.headers });
    response.end(JSON.stringify(reply.body));
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ detail: error instanceof Error ? error.message : String(error) }));
    });
  });

  return {
    server,
    state,
    listen: (port = 3101): Promise<number> =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
      }),
    close: (): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING' ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const number = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
  // npm start's demo: the season starts an hour before gameweek 1's deadline, at the demo pace (see lib/env.ts).
  const pace = process.env.UPSTREAM_PACE === 'linear' ? undefined : demoPace;
  const upstream = createUpstreamServer({ speed: number('UPSTREAM_SPEED') ?? 150, seed: number('UPSTREAM_SEED'), pace });
  const wanted = number('UPSTREAM_PORT') ?? 3100;
  const port = await upstream.listen(wanted).catch((error: unknown) => {
    // A port in use is a setting to change, not a crash: say which variable moves it.
    if (!isListenError(error)) throw error;
    console.error(portMessage(simulatorPortClaim(wanted), error.code));
    process.exit(1);
  });
  console.log(JSON.stringify({ msg: 'upstream simulator listening', port }));
  const stop = () => void upstream.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
