/**
 * Upstream payloads to rows, and the bootstrap consistency check, on the simulator's real
 * payloads (scripts/upstream/), including the inconsistent ones its faults produce.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUpstreamServer, type UpstreamServer } from '@/scripts/upstream/server.ts';
import {
  isEventLive,
  toEntryEventHistoryRow,
  toEntryRow,
  toEventRow,
  toFixtureRow,
  toLeagueRow,
  toLeagueStandingRow,
  toPhaseRow,
  toPlayerEventStatsRow,
  toPlayerRow,
  toTeamRow,
  validateBootstrap,
} from './league-data.ts';
import { UpstreamClient } from './upstream-client.ts';
import type { BootstrapStatic, Fixtures } from './upstream-schemas.ts';

let upstream: UpstreamServer;
let origin: string;
let client: UpstreamClient;

const admin = async (path: string, body: unknown = {}) => {
  const response = await fetch(`${origin}${path}`, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(200);
};

beforeAll(async () => {
  upstream = createUpstreamServer({ entries: 500 });
  origin = `http://127.0.0.1:${await upstream.listen(0)}`;
  client = new UpstreamClient({ baseUrl: origin });
  await admin('/admin/clock', { toEvent: 2, phase: 'live', speed: 0 });
});

afterAll(async () => {
  await upstream.close();
});

beforeEach(async () => {
  await admin('/admin/faults/reset');
});

describe('validateBootstrap', () => {
  it("passes the simulator's bootstrap and fixtures", async () => {
    const [bootstrap, fixtures] = await Promise.all([client.bootstrapStatic(), client.fixtures()]);
    expect(validateBootstrap(bootstrap)).toEqual({ ok: true });
    expect(validateBootstrap(bootstrap, fixtures)).toEqual({ ok: true });
  });

  it('fails a bootstrap with a player of a team that does not exist (bootstrap-missing-team)', async () => {
    await admin('/admin/faults', { corrupt: 'bootstrap-missing-team' });
    const check = validateBootstrap(await client.bootstrapStatic());
    expect(check).toEqual({ ok: false, problems: [expect.stringMatching(/^player 1 \(.+\) has team 21, which is not among the teams$/)] });
  });

  it('fails a bootstrap with 37 events (bootstrap-bad-event-count)', async () => {
    await admin('/admin/faults', { corrupt: 'bootstrap-bad-event-count' });
    const bootstrap = await client.bootstrapStatic();
    const check = validateBootstrap(bootstrap);
    expect(check.ok).toBe(false);
    const problems = check.ok ? [] : check.problems;
    expect(problems).toContain('expected 38 events, got 37');
    expect(problems).toContain('events missing: 38');
    // the last phase stops at event 38
    expect(problems).toContainEqual(expect.stringMatching(/^phase \d+ \(May\) runs from event \d+ to 38, but event 38 does not exist$/));
  });

  describe('on edited payloads', () => {
    let bootstrap: BootstrapStatic;
    let fixtures: Fixtures;
    beforeAll(async () => {
      // runs before the outer beforeEach: the previous test's fault is still on
      await admin('/admin/faults/reset');
      [bootstrap, fixtures] = await Promise.all([client.bootstrapStatic(), client.fixtures()]);
    });
    const problemsOf = (payload: BootstrapStatic, withFixtures?: Fixtures) => {
      const check = validateBootstrap(payload, withFixtures);
      return check.ok ? [] : check.problems;
    };

    it('names missing teams, duplicate ids and phases out of order', () => {
      expect(problemsOf({ ...bootstrap, teams: bootstrap.teams.slice(1) })).toEqual([
        'expected 20 teams, got 19',
        ...bootstrap.elements.filter((e) => e.team === 1).slice(0, 5).map((e) => `player ${e.id} (${e.web_name}) has team 1, which is not among the teams`),
        '…and 25 more like the above',
      ]);
      expect(problemsOf({ ...bootstrap, events: bootstrap.events.map((e) => (e.id === 1 ? { ...e, id: 2 } : e)) })).toEqual([
        'event id 2 appears more than once',
        'events missing: 1',
        ...bootstrap.phases
          .filter((p) => p.start_event === 1)
          .map((p) => `phase ${p.id} (${p.name}) runs from event 1 to ${p.stop_event}, but event 1 does not exist`),
      ]);
      const phases = bootstrap.phases.map((p, i) => (i === 1 ? { ...p, start_event: 9, stop_event: 2 } : p));
      expect(problemsOf({ ...bootstrap, phases })).toEqual([`phase 2 (${phases[1]!.name}) starts at event 9, after its stop event 2`]);
    });

    it('names fixtures whose team or event does not exist', () => {
      const edited = fixtures.map((f, i) => (i === 0 ? { ...f, team_a: 99 } : i === 1 ? { ...f, event: 39 } : f));
      expect(problemsOf(bootstrap, edited)).toEqual([
        `fixture ${edited[0]!.id} has team 99, which is not among the teams`,
        `fixture ${edited[1]!.id} is in event 39, which does not exist`,
      ]);
    });
  });
});

describe('rows', () => {
  it('maps bootstrap, fixtures and live data to the models', async () => {
    const [bootstrap, fixtures, live] = await Promise.all([client.bootstrapStatic(), client.fixtures(2), client.eventLive(2)]);
    const team = bootstrap.teams[0]!;
    expect(toTeamRow(team)).toEqual({ id: team.id, name: team.name, shortName: team.short_name, strength: team.strength });
    expect(toPhaseRow(bootstrap.phases[0]!)).toEqual({ id: 1, name: 'Overall', startEvent: 1, stopEvent: 38 });

    const element = bootstrap.elements[0]!;
    const player = toPlayerRow({ ...element, form: '4.5', selected_by_percent: '12.3' });
    expect(player).toMatchObject({ id: element.id, webName: element.web_name, teamId: element.team, form: 4.5, selectedByPercent: 12.3 });

    const started = fixtures.find((f) => f.started)!;
    expect(toFixtureRow(started)).toMatchObject({
      id: started.id,
      eventId: 2,
      teamHId: started.team_h,
      teamAId: started.team_a,
      kickoffTime: new Date(started.kickoff_time!),
      finishedProvisional: started.finished_provisional,
      teamHScore: started.team_h_score,
    });
    expect(toFixtureRow({ ...started, kickoff_time: null }).kickoffTime).toBeNull();

    const stats = live.elements[0]!;
    expect(toPlayerEventStatsRow(2, stats)).toEqual({
      playerId: stats.id,
      eventId: 2,
      minutes: stats.stats.minutes,
      goalsScored: stats.stats.goals_scored,
      assists: stats.stats.assists,
      cleanSheets: stats.stats.clean_sheets,
      bonus: stats.stats.bonus,
      totalPoints: stats.stats.total_points,
    });
  });

  it('derives isLive: deadline passed and not finished', async () => {
    const { events } = await client.bootstrapStatic();
    const [first, second, third] = [events[0]!, events[1]!, events[2]!];
    const now = new Date(upstream.state.now());
    expect(toEventRow(second, now)).toMatchObject({ id: 2, isCurrent: true, isLive: true, finished: false, deadlineTime: new Date(second.deadline_time) });
    expect(toEventRow(first, now)).toMatchObject({ isPrevious: true, finished: true, isLive: false });
    expect(toEventRow(third, now).isLive).toBe(false);
    const deadline = new Date(second.deadline_time);
    expect(isEventLive(second, deadline)).toBe(true);
    expect(isEventLive(second, new Date(deadline.getTime() - 1))).toBe(false);
    expect(isEventLive({ ...second, finished: true }, deadline)).toBe(false);
  });

  it('maps entries, their history and league standings', async () => {
    const fetchedAt = new Date('2026-08-29T13:00:00Z');
    const [entry, history, standings] = await Promise.all([client.entry(1), client.entryHistory(1), client.leagueStandings(1, 1)]);
    expect(toEntryRow(entry, fetchedAt)).toEqual({
      id: 1,
      name: entry.name,
      playerName: `${entry.player_first_name} ${entry.player_last_name}`,
      startedEvent: entry.started_event,
      summaryOverallPoints: entry.summary_overall_points,
      summaryOverallRank: entry.summary_overall_rank,
      summaryEventPoints: entry.summary_event_points,
      deleted: false,
      lastFetchedAt: fetchedAt,
    });
    const row = history.current.at(-1)!;
    expect(toEntryEventHistoryRow(1, row)).toMatchObject({ entryId: 1, eventId: row.event, totalPoints: row.total_points, eventTransfersCost: row.event_transfers_cost, pointsOnBench: row.points_on_bench });
    expect(toLeagueRow(standings.league)).toEqual({ id: 1, name: standings.league.name, createdAt: new Date(standings.league.created!) });
    const top = standings.standings.results[0]!;
    expect(toLeagueStandingRow(1, top)).toEqual({ leagueId: 1, entryId: top.entry, rank: top.rank, lastRank: top.last_rank, total: top.total, eventTotal: top.event_total });
  });
});
