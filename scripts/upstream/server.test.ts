/**
 * The upstream simulator end to end over HTTP: every route, determinism per seed, the season
 * clock, and every fault switched on through /admin.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../test/command-process.ts';
import { Season } from './season.ts';
import { createUpstreamServer } from './server.ts';

/** JSON answers are read loosely here. */
type Json = any;

async function start(options: Parameters<typeof createUpstreamServer>[0] = {}) {
  const upstream = createUpstreamServer(options);
  const base = `http://127.0.0.1:${await upstream.listen(0)}`;
  const call = async (path: string, init?: { body?: unknown }) => {
    const response = await fetch(base + path, init ? { method: 'POST', body: JSON.stringify(init.body ?? {}) } : undefined);
    return { status: response.status, headers: response.headers, json: (await response.json()) as Json };
  };
  return { upstream, get: (path: string) => call(path), post: (path: string, body?: unknown) => call(path, { body }) };
}

let sim: Awaited<ReturnType<typeof start>>;
const get = (path: string) => sim.get(path);
const post = (path: string, body?: unknown) => sim.post(path, body);
const jump = (toEvent: number, phase: string) => post('/admin/clock', { toEvent, phase, speed: 0 });

beforeAll(async () => {
  sim = await start();
});
afterAll(async () => {
  await sim.upstream.close();
});
beforeEach(async () => {
  await post('/admin/reset');
});

describe('upstream simulator: routes', () => {
  it('bootstrap-static has 38 events, monthly phases, 20 teams and 600 consistent players', async () => {
    const { status, json } = await get('/api/bootstrap-static/');
    expect(status).toBe(200);
    expect(json.events).toHaveLength(38);
    expect(json.events[0]).toMatchObject({ id: 1, name: 'Gameweek 1', deadline_time: '2026-08-22T11:00:00Z', is_current: false, is_next: true });
    expect(json.phases[0]).toEqual({ id: 1, name: 'Overall', start_event: 1, stop_event: 38 });
    expect(json.phases[1]).toMatchObject({ name: 'August', start_event: 1 });
    expect(json.phases.at(-1).stop_event).toBe(38);
    expect(json.teams).toHaveLength(20);
    expect(new Set(json.teams.map((t: Json) => t.short_name)).size).toBe(20);
    expect(json.elements).toHaveLength(600);
    const teamIds = new Set(json.teams.map((t: Json) => t.id));
    for (const e of json.elements) {
      expect(teamIds.has(e.team)).toBe(true);
      expect(e.now_cost).toBeGreaterThanOrEqual(40);
      expect(e.now_cost).toBeLessThanOrEqual(130);
      expect(['a', 'i', 'd']).toContain(e.status);
    }
    expect(json.element_types.map((t: Json) => t.element_count)).toEqual([60, 200, 200, 140]);
    expect(json.total_players).toBe(5000 - Math.floor(5000 / 97));
  });

  it('fixtures: 380 in all, 10 per event with every team once, Saturday/Sunday kickoffs', async () => {
    expect((await get('/api/fixtures/')).json).toHaveLength(380);
    const { json } = await get('/api/fixtures/?event=7');
    expect(json).toHaveLength(10);
    expect(new Set(json.flatMap((f: Json) => [f.team_h, f.team_a])).size).toBe(20);
    expect(json.map((f: Json) => f.kickoff_time.slice(11, 16))).toEqual(['12:30', '15:00', '15:00', '15:00', '15:00', '15:00', '15:00', '17:30', '14:00', '16:30']);
    expect(json[0]).toMatchObject({ event: 7, started: false, finished: false, minutes: 0, team_h_score: null });
    const pairs = new Set((await get('/api/fixtures')).json.map((f: Json) => `${f.team_h}-${f.team_a}`));
    expect(pairs.size).toBe(380); // a double round robin: every ordered pair once
  });

  it('a live event: scores so far, minutes ticking, live stats for started fixtures only', async () => {
    const state = (await jump(1, 'live')).json;
    expect(state).toMatchObject({ currentEvent: 1, liveEvent: 1, now: '2026-08-22T13:00:00.000Z' });
    const fixtures = (await get('/api/fixtures?event=1')).json;
    expect(fixtures[0]).toMatchObject({ started: true, finished: false, finished_provisional: false, minutes: 23 });
    expect(fixtures[1]).toMatchObject({ started: false, team_h_score: null });
    const live = (await get('/api/event/1/live/')).json.elements;
    expect(live).toHaveLength(60); // two squads of 30
    const teams = new Set([fixtures[0].team_h, fixtures[0].team_a]);
    const players = (await get('/api/bootstrap-static')).json.elements;
    for (const row of live) expect(teams.has(players[row.id - 1].team)).toBe(true);
    const goals = live.reduce((sum: number, row: Json) => sum + row.stats.goals_scored, 0);
    expect(goals).toBe(fixtures[0].team_h_score + fixtures[0].team_a_score);
    expect(live.filter((row: Json) => row.stats.minutes === 23)).toHaveLength(22);
    expect((await get('/api/event/1/live')).json.elements[0].explain).toEqual([]);
    expect((await get('/api/event/2/live/')).json.elements).toEqual([]);
    expect((await get('/api/event/39/live/')).status).toBe(404);
  });

  it('a finished event: data checked, averages, bonus handed out, player points and prices moved', async () => {
    const before = (await get('/api/bootstrap-static')).json.elements;
    await jump(1, 'finished');
    const { events, elements } = (await get('/api/bootstrap-static')).json;
    expect(events[0]).toMatchObject({ finished: true, data_checked: true, is_current: true });
    expect(events[0].average_entry_score).toBeGreaterThan(30);
    expect(events[0].highest_score).toBeLessThanOrEqual(100);
    expect(events[1]).toMatchObject({ is_next: true, finished: false, highest_score: null });
    const fixtures = (await get('/api/fixtures?event=1')).json;
    expect(fixtures.every((f: Json) => f.finished && f.finished_provisional && f.minutes === 90)).toBe(true);
    const live = (await get('/api/event/1/live')).json.elements;
    expect(live).toHaveLength(600);
    expect(live.reduce((sum: number, row: Json) => sum + row.stats.bonus, 0)).toBe(60); // 3+2+1 per fixture
    for (const row of live) expect(elements[row.id - 1].total_points).toBe(row.stats.total_points);
    const moved = elements.filter((e: Json, i: number) => e.now_cost !== before[i].now_cost);
    expect(moved.length).toBeGreaterThan(0);
    for (const e of moved) expect(Math.abs(e.now_cost - before[e.id - 1].now_cost)).toBe(1);
  });

  it('a fixture goes started → minutes 0..90 → finished_provisional (115 min) → finished (120 min)', async () => {
    const at = async (minutes: number) => {
      await post('/admin/clock', { now: '2026-08-22T12:30:00Z', advanceMinutes: minutes, speed: 0 });
      return (await get('/api/fixtures?event=1')).json[0];
    };
    expect(await at(-1)).toMatchObject({ started: false, minutes: 0 });
    expect(await at(0)).toMatchObject({ started: true, minutes: 0, team_h_score: 0, team_a_score: 0 });
    expect(await at(114)).toMatchObject({ minutes: 89, finished_provisional: false });
    expect(await at(115)).toMatchObject({ minutes: 90, finished_provisional: true, finished: false });
    expect(await at(120)).toMatchObject({ finished: true });
  });

  it('entries: summary, leagues, history rows with provisional points while live; deleted entries 404', async () => {
    await jump(5, 'finished');
    const entry = (await get('/api/entry/1/')).json;
    expect(entry).toMatchObject({ id: 1, current_event: 5 });
    expect(entry.leagues.classic.length).toBeGreaterThanOrEqual(1);
    const history = (await get('/api/entry/1/history/')).json;
    expect(history.current.map((row: Json) => row.event)).toEqual(Array.from({ length: 6 - entry.started_event }, (_, i) => entry.started_event + i));
    const last = history.current.at(-1);
    expect(entry).toMatchObject({ summary_overall_points: last.total_points, summary_event_points: last.points, summary_overall_rank: last.overall_rank });
    for (const row of history.current) expect(row.points).toBeGreaterThanOrEqual(30);
    expect(history).toMatchObject({ past: [], chips: [] });

    await jump(6, 'live');
    const provisional = (await get('/api/entry/1/history')).json.current.at(-1);
    await jump(6, 'finished');
    const final = (await get('/api/entry/1/history')).json.current.at(-1);
    expect(provisional.event).toBe(6);
    expect(provisional.points).toBeLessThan(final.points);

    expect((await get('/api/entry/97/')).json).toEqual({ detail: 'Not found.' });
    expect((await get('/api/entry/194/history/')).status).toBe(404);
    expect((await get('/api/entry/5001/')).status).toBe(404);
  });

  it('classic league standings: 50 a page, ranked by total, page_standings or page', async () => {
    // Before GW1's deadline: the members, all at 0 points and tied first, by entry id.
    const preseason = (await get('/api/leagues-classic/1/standings/')).json.standings.results as { entry: number; rank: number; total: number }[];
    expect(preseason.length).toBe(50);
    expect(preseason.every((row) => row.rank === 1 && row.total === 0)).toBe(true);
    expect(preseason.map((row) => row.entry)).toEqual(preseason.map((row) => row.entry).sort((a, b) => a - b));
    await jump(3, 'finished');
    const first = (await get('/api/leagues-classic/1/standings/?page_standings=1')).json;
    expect(first.league).toMatchObject({ id: 1, name: expect.any(String), created: expect.any(String) });
    expect(first.standings).toMatchObject({ has_next: true, page: 1 });
    const rows = first.standings.results;
    expect(rows).toHaveLength(50);
    rows.slice(1).forEach((row: Json, i: number) => {
      expect(row.total).toBeLessThanOrEqual(rows[i].total);
      expect(row.rank).toBeGreaterThanOrEqual(rows[i].rank);
    });
    expect(rows[0].rank).toBe(1);
    const second = (await get('/api/leagues-classic/1/standings?page_standings=2')).json;
    expect((await get('/api/leagues-classic/1/standings?page=2')).json).toEqual(second);
    expect(second.standings.results[0].total).toBeLessThanOrEqual(rows[49].total);
    const small = (await get('/api/leagues-classic/20/standings')).json.standings;
    expect(small.has_next).toBe(false);
    const member = small.results[0];
    const entry = (await get(`/api/entry/${member.entry}`)).json;
    expect(entry.leagues.classic.find((l: Json) => l.id === 20).entry_rank).toBe(member.rank);
    expect((await get('/api/leagues-classic/21/standings')).status).toBe(404);
  });

  it('unknown routes answer 404 {"detail":"Not found."}', async () => {
    for (const path of ['/api/nope/', '/api/entry/abc/', '/admin/nope', '/']) {
      expect(await get(path)).toMatchObject({ status: 404, json: { detail: 'Not found.' } });
    }
  });
});

describe('upstream simulator: seed and clock', () => {
  it('same seed and time → identical JSON on every route; another seed differs', async () => {
    const twin = await start();
    const other = await start({ seed: 7 });
    try {
      for (const s of [sim, twin, other]) await s.post('/admin/clock', { toEvent: 4, phase: 'live', speed: 0 });
      const paths = ['/api/bootstrap-static/', '/api/fixtures/', '/api/event/4/live/', '/api/entry/42/', '/api/entry/42/history/', '/api/leagues-classic/3/standings/?page_standings=2'];
      for (const path of paths) {
        const [a, b, c] = await Promise.all([sim.get(path), twin.get(path), other.get(path)]);
        expect(JSON.stringify(a.json)).toBe(JSON.stringify(b.json));
        expect(JSON.stringify(a.json)).not.toBe(JSON.stringify(c.json));
      }
    } finally {
      await Promise.all([twin.upstream.close(), other.upstream.close()]);
    }
  });

  it('the clock runs at `speed` simulated seconds per real second and can be set, advanced and reset', async () => {
    const start0 = Date.parse((await get('/admin/state')).json.now);
    expect(new Date(start0).toISOString()).toMatch(/^2026-08-22T10:0/); // an hour before GW1's deadline
    await post('/admin/clock', { speed: 3600 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const later = Date.parse((await get('/admin/state')).json.now);
    expect(later - start0).toBeGreaterThanOrEqual(600_000); // ≥ 10 simulated minutes in 0.2 s
    const frozen = await post('/admin/clock', { now: '2026-12-25T12:00:00Z', speed: 0, advanceMinutes: 30 });
    expect(frozen.json).toMatchObject({ now: '2026-12-25T12:30:00.000Z', speed: 0 });
    expect((await jump(10, 'before-deadline')).json).toMatchObject({ currentEvent: 9, liveEvent: null });
    expect((await post('/admin/clock', { advanceMinutes: 2 })).json).toMatchObject({ currentEvent: 10, liveEvent: 10 });
    const reset = (await post('/admin/reset')).json;
    expect(reset).toMatchObject({ speed: 60, currentEvent: null });
    expect(Date.parse(reset.now) - start0).toBeLessThan(60_000);
  });

  it('counts /api requests per route, not /admin ones', async () => {
    await get('/api/bootstrap-static');
    await get('/api/entry/1');
    await get('/api/entry/2/');
    await get('/api/nope');
    const { requests } = (await get('/admin/state')).json;
    expect(requests).toEqual({ total: 4, byRoute: { 'bootstrap-static': 1, entry: 2, 'not-found': 1 } });
  });

  it('generates a 5000-entry season in under a second', () => {
    const started = performance.now();
    new Season(99, 5000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('upstream simulator: faults', () => {
  it('latencyMs delays /api answers only', async () => {
    await post('/admin/faults', { latencyMs: 150 });
    let t = performance.now();
    expect((await get('/api/fixtures?event=1')).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(140);
    t = performance.now();
    await get('/admin/state');
    expect(performance.now() - t).toBeLessThan(140);
  });

  it('errorRate answers 500/502/503, deterministically per seed, never on /admin', async () => {
    await post('/admin/faults', { errorRate: 1 });
    const statuses = await Promise.all(Array.from({ length: 30 }, () => get('/api/bootstrap-static').then((r) => r.status)));
    expect(new Set(statuses)).toEqual(new Set([500, 502, 503]));
    expect((await get('/admin/state')).status).toBe(200);
    const draw = async () => {
      await post('/admin/reset');
      await post('/admin/faults', { errorRate: 0.5 });
      const out = [];
      for (let i = 0; i < 20; i++) out.push((await get('/api/fixtures?event=1')).status);
      return out;
    };
    const first = await draw();
    expect(first).toContain(200);
    expect(first.some((s) => s >= 500)).toBe(true);
    expect(await draw()).toEqual(first);
  });

  it('rateLimit answers 429 with Retry-After once more than perMinute requests came in a minute', async () => {
    await post('/admin/faults', { rateLimit: { perMinute: 3, retryAfterSeconds: 7 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get('/api/fixtures?event=1')).status);
    expect(statuses).toEqual([200, 200, 200]);
    const limited = await get('/api/bootstrap-static');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.json.detail).toMatch(/throttled/);
    expect((await get('/admin/state')).status).toBe(200);
    await post('/admin/faults', { rateLimit: null });
    expect((await get('/api/bootstrap-static')).status).toBe(200);
  });

  it('notFoundEntries: extra entry ids answer 404 on both entry routes', async () => {
    await post('/admin/faults', { notFoundEntries: [5] });
    expect((await get('/api/entry/5/')).status).toBe(404);
    expect((await get('/api/entry/5/history/')).status).toBe(404);
    expect((await get('/api/entry/6/')).status).toBe(200);
  });

  it('corrupt: a player of a team that does not exist, or 37 events', async () => {
    expect((await post('/admin/faults', { corrupt: 'bootstrap-missing-team' })).json.faults.corrupt).toBe('bootstrap-missing-team');
    const broken = (await get('/api/bootstrap-static')).json;
    const teams = new Set(broken.teams.map((t: Json) => t.id));
    expect(broken.elements.filter((e: Json) => !teams.has(e.team))).toHaveLength(1);
    await post('/admin/faults', { corrupt: 'bootstrap-bad-event-count' });
    expect((await get('/api/bootstrap-static')).json.events).toHaveLength(37);
    await post('/admin/faults', { corrupt: 'none' });
    expect((await get('/api/bootstrap-static')).json.events).toHaveLength(38);
  });

  it('faults merge, reset with /admin/faults/reset, and bad admin bodies answer 400 invalid_body', async () => {
    await post('/admin/faults', { latencyMs: 5 });
    const merged = (await post('/admin/faults', { errorRate: 0.1 })).json.faults;
    expect(merged).toMatchObject({ latencyMs: 5, errorRate: 0.1, rateLimit: null, corrupt: 'none' });
    expect((await post('/admin/faults/reset')).json.faults).toEqual({ latencyMs: 0, errorRate: 0, rateLimit: null, notFoundEntries: [], corrupt: 'none' });
    for (const [path, body] of [
      ['/admin/faults', { errorRate: 2 }],
      ['/admin/faults', { corrupt: 'everything' }],
      ['/admin/faults', { unknown: true }],
      ['/admin/clock', { now: 'yesterday' }],
      ['/admin/clock', { toEvent: 3 }],
      ['/admin/clock', { speed: -1 }],
    ] as const) {
      const { status, json } = await post(path, body);
      expect(status).toBe(400);
      expect(json.error).toMatchObject({ code: 'invalid_body', message: expect.any(String), details: expect.any(Array) });
    }
    const raw = await fetch(`http://127.0.0.1:${(sim.upstream.server.address() as { port: number }).port}/admin/clock`, { method: 'POST', body: '{oops' });
    expect(raw.status).toBe(400);
  });
});

describe('the league simulator entry with its port in use', () => {
  it('exits 1 with the port and UPSTREAM_PORT, without a stack', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    const result = await runCommand(process.execPath, ['--import', 'tsx', 'scripts/upstream/server.ts'], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, UPSTREAM_PORT: String(port) },
      timeoutMs: 30_000,
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `port ${port} is already in use, so the league simulator cannot listen on it (another Kickoff, or another server, holds it); ` +
        `set UPSTREAM_PORT to a free port (e.g. UPSTREAM_PORT=${port + 1}), or set UPSTREAM_URL to use an upstream that is already running`,
    );
    expect(result.stdout).not.toContain('listening');
    holder.close();
  });
});
