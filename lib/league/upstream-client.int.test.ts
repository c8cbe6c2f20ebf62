/**
 * UpstreamClient against the upstream simulator (scripts/upstream/) over HTTP: every route
 * parses, and every failure becomes the UpstreamError the job engine expects.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { retryAfterOf } from '@/lib/queue/backoff.ts';
import { createUpstreamServer, type UpstreamServer } from '@/scripts/upstream/server.ts';
import { UpstreamClient, UpstreamError, isNotFound, parseRetryAfter } from './upstream-client.ts';

let upstream: UpstreamServer;
let origin: string;
/** With a trailing slash, which the client drops. */
let baseUrl: string;
let client: UpstreamClient;

async function admin(path: string, body: unknown = {}): Promise<void> {
  const response = await fetch(`${origin}${path}`, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(200);
}

/** The rejection of `promise`, which must reject. */
async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => expect.unreachable('expected the call to fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

/** A local server answering every request with `body` (status 200). */
async function serveBody(body: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

beforeAll(async () => {
  upstream = createUpstreamServer({ entries: 500 });
  origin = `http://127.0.0.1:${await upstream.listen(0)}`;
  baseUrl = `${origin}/`;
  // Gameweek 2 under way, clock stopped: live stats, entry history and standings all have rows.
  await admin('/admin/clock', { toEvent: 2, phase: 'live', speed: 0 });
});

afterAll(async () => {
  await upstream.close();
});

beforeEach(async () => {
  await admin('/admin/faults/reset');
  client = new UpstreamClient({ baseUrl });
});

describe('UpstreamClient: routes', () => {
  it('bootstrapStatic: events, phases, teams and players, unknown keys dropped', async () => {
    const bootstrap = await client.bootstrapStatic();
    expect(bootstrap.events).toHaveLength(38);
    expect(bootstrap.teams).toHaveLength(20);
    expect(bootstrap.elements).toHaveLength(600);
    expect(bootstrap.phases[0]).toEqual({ id: 1, name: 'Overall', start_event: 1, stop_event: 38 });
    expect(bootstrap.events[1]).toMatchObject({ id: 2, is_current: true, finished: false });
    expect(Object.keys(bootstrap).sort()).toEqual(['elements', 'events', 'phases', 'teams']);
    expect(bootstrap.elements[0]).not.toHaveProperty('explain');
    expect(client.requests).toBe(1);
  });

  it('fixtures: the season, or one event', async () => {
    expect(await client.fixtures()).toHaveLength(380);
    const fixtures = await client.fixtures(2);
    expect(fixtures).toHaveLength(10);
    expect(fixtures.every((f) => f.event === 2)).toBe(true);
    expect(fixtures[0]).toMatchObject({ started: true, finished: false });
    expect(client.requests).toBe(2);
  });

  it('eventLive: stats of the players whose fixture has started', async () => {
    const live = await client.eventLive(2);
    expect(live.elements.length).toBeGreaterThan(0);
    expect(live.elements[0]).toEqual({
      id: expect.any(Number),
      stats: { minutes: expect.any(Number), goals_scored: expect.any(Number), assists: expect.any(Number), clean_sheets: expect.any(Number), bonus: expect.any(Number), total_points: expect.any(Number) },
    });
  });

  it('entry and entryHistory', async () => {
    const entry = await client.entry(1);
    expect(entry).toMatchObject({ id: 1, name: expect.any(String), player_first_name: expect.any(String), started_event: expect.any(Number) });
    expect(entry.leagues.classic.length).toBeGreaterThan(0);
    const history = await client.entryHistory(1);
    expect(history.current.length).toBeGreaterThan(0);
    expect(history.current.at(-1)).toMatchObject({ event: 2, event_transfers_cost: expect.any(Number) });
    expect(client.requests).toBe(2);
  });

  it('leagueStandings: pages of 50', async () => {
    const first = await client.leagueStandings(1, 1);
    expect(first.league).toMatchObject({ id: 1, name: 'Overall Office League', created: expect.any(String) });
    expect(first.standings).toMatchObject({ page: 1, has_next: true });
    expect(first.standings.results).toHaveLength(50);
    expect(first.standings.results[0]).toMatchObject({ rank: 1, entry: expect.any(Number), entry_name: expect.any(String) });
    const second = await client.leagueStandings(1, 2);
    expect(second.standings.page).toBe(2);
    expect(second.standings.results[0]!.rank).toBeGreaterThanOrEqual(first.standings.results.at(-1)!.rank);
  });

  it('refuses ids that are not positive integers without a request', () => {
    expect(() => client.entry(0)).toThrow(RangeError);
    expect(() => client.leagueStandings(1, 1.5)).toThrow(RangeError);
    expect(client.requests).toBe(0);
  });
});

describe('UpstreamClient: failures', () => {
  it('429 carries Retry-After as retryAfterMs, which the retry policy reads', async () => {
    await admin('/admin/faults', { rateLimit: { perMinute: 1, retryAfterSeconds: 7 } });
    await client.entry(1);
    const error = await failure(client.entry(2));
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', route: 'entry', path: '/api/entry/2/', retryAfterMs: 7000, retryable: true });
    expect(retryAfterOf(error)).toBe(7000);
    expect(client.requests).toBe(2);
  });

  it('5xx: the status, retryable', async () => {
    await admin('/admin/faults', { errorRate: 1 });
    const error = await failure(client.bootstrapStatic());
    expect([500, 502, 503]).toContain(error.status);
    expect(error).toMatchObject({ code: 'server_error', route: 'bootstrap-static', retryable: true });
    expect(isNotFound(error)).toBe(false);
  });

  it('404 for a deleted entry (every 97th id)', async () => {
    expect(upstream.state.season.isDeleted(97)).toBe(true);
    const error = await failure(client.entry(97));
    expect(error).toMatchObject({ status: 404, code: 'not_found', retryable: false });
    expect(isNotFound(error)).toBe(true);
    expect(isNotFound(await failure(client.entryHistory(194)))).toBe(true);
    expect(retryAfterOf(error)).toBeUndefined();
  });

  it('a body that fails the schema: status 0, invalid_response, naming the first bad field', async () => {
    const bootstrap = await client.bootstrapStatic();
    const bad = { ...bootstrap, elements: bootstrap.elements.map((e, i) => (i === 3 ? { ...e, team: 'x' } : e)) };
    const local = await serveBody(JSON.stringify(bad));
    try {
      const error = await failure(new UpstreamClient({ baseUrl: local.url }).bootstrapStatic());
      expect(error).toMatchObject({ status: 0, code: 'invalid_response', field: 'elements.3.team', retryable: false });
      expect(error.message).toContain('elements.3.team');
    } finally {
      await closeServer(local.server);
    }
  });

  it('a missing field and a body that is not JSON are invalid responses too', async () => {
    const missing = await serveBody(JSON.stringify({ current: [{ event: 1, points: 50 }] }));
    const notJson = await serveBody('<html>maintenance</html>');
    try {
      expect(await failure(new UpstreamClient({ baseUrl: missing.url }).entryHistory(1))).toMatchObject({
        status: 0,
        code: 'invalid_response',
        field: 'current.0.total_points',
      });
      expect(await failure(new UpstreamClient({ baseUrl: notJson.url }).entry(1))).toMatchObject({ status: 0, code: 'invalid_response', field: '(root)' });
    } finally {
      await Promise.all([closeServer(missing.server), closeServer(notJson.server)]);
    }
  });

  it('a timeout and a refused connection: status 0, retryable', async () => {
    await admin('/admin/faults', { latencyMs: 2_000 });
    const slow = new UpstreamClient({ baseUrl, timeoutMs: 100 });
    expect(await failure(slow.entry(1))).toMatchObject({ status: 0, code: 'timeout', retryable: true });

    const closed = await serveBody('{}');
    await closeServer(closed.server);
    const refused = new UpstreamClient({ baseUrl: closed.url });
    expect(await failure(refused.bootstrapStatic())).toMatchObject({ status: 0, code: 'network_error', retryable: true });
    expect(refused.requests).toBe(1);
  });

  it("the caller's abort is thrown as is, not as an UpstreamError", async () => {
    await admin('/admin/faults', { latencyMs: 2_000 });
    const controller = new AbortController();
    const call = client.entry(1, { signal: controller.signal });
    const reason = new Error('run cancelled');
    setTimeout(() => controller.abort(reason), 50);
    await expect(call).rejects.toBe(reason);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.UTC(2026, 7, 22, 11, 0, 0);
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
  });
});
