/**
 * The real-time view tournament_standings as the tournament page reads it (through the cache:
 * `tournament:{id}:standings`, `:entries`, `:results`), and league_event_stats as the League
 * page's "This gameweek" reads it; on a database of the file's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { deleteRedisKeys } from '@/scripts/test/test-resources.ts';
import { TwoLevelCache } from '../cache/two-level-cache.ts';
import { db } from '../db.ts';
import { createRedis } from '../redis.ts';
import { gameweekStats, tournamentEntrants, tournamentResults, tournamentStandings } from './league-queries.ts';

const prefix = useOwnQueuePrefix('league-views');
await useOwnDatabase('league_views');
const connection = createRedis('client');
const cache = new TwoLevelCache({ redis: connection, prefix });
let tournamentId: string;

beforeAll(async () => {
  await cache.start();
  await db().team.createMany({ data: [1, 2].map((id) => ({ id, name: `Team ${id}`, shortName: `T${id}`, strength: 3 })) });
  await db().event.create({ data: { id: 1, name: 'Gameweek 1', deadlineTime: new Date('2026-08-15T10:00:00Z'), isPrevious: false, isCurrent: true, isNext: false, finished: false, dataChecked: false, isLive: true } });
  await db().fixture.createMany({
    data: [
      { id: 1, eventId: 1, teamHId: 1, teamAId: 2, kickoffTime: new Date('2026-08-15T11:30:00Z'), started: true, finished: true, finishedProvisional: true, minutes: 90, teamHScore: 2, teamAScore: 1 },
      { id: 2, eventId: 1, teamHId: 2, teamAId: 1, kickoffTime: new Date('2026-08-15T14:00:00Z'), started: false, finished: false, finishedProvisional: false, minutes: 0, teamHScore: null, teamAScore: null },
    ],
  });
  await db().player.createMany({ data: [1, 2].map((id) => ({ id, webName: `P${id}`, firstName: 'P', secondName: String(id), teamId: id, elementType: 3, nowCost: 50, totalPoints: 0, form: 0, selectedByPercent: 1, status: 'a' })) });
  await db().playerEventStats.createMany({ data: [{ playerId: 1, eventId: 1, minutes: 90, goalsScored: 2, assists: 0, cleanSheets: 0, bonus: 3, totalPoints: 13 }, { playerId: 2, eventId: 1, minutes: 0, goalsScored: 0, assists: 0, cleanSheets: 0, bonus: 0, totalPoints: 0 }] });
  await db().entry.createMany({ data: [11, 12, 13].map((id) => ({ id, name: `Entry ${id}`, playerName: 'X', startedEvent: 1, summaryOverallPoints: 0 })) });
  await db().league.create({ data: { id: 5, name: 'Cup league' } });
  const tournament = await db().tournament.create({ data: { name: 'The cup', leagueId: 5, kind: 'cup', startEvent: 1, endEvent: 3 } });
  tournamentId = tournament.id;
  await db().tournamentStanding.createMany({
    data: [
      { tournamentId, entryId: 11, rank: 1, points: 2, played: 2, won: 2, drawn: 0, lost: 0, eliminated: false },
      { tournamentId, entryId: 12, rank: 2, points: 1, played: 3, won: 1, drawn: 0, lost: 2, eliminated: true },
      { tournamentId, entryId: 13, rank: 3, points: 0, played: 0, won: 0, drawn: 0, lost: 0, eliminated: false },
    ],
  });
  await db().tournamentResult.create({ data: { tournamentId, eventId: 1, round: 1, homeEntryId: 11, awayEntryId: 12, homePoints: 60, awayPoints: 40, winnerEntryId: 11 } });
});

afterAll(async () => {
  await cache.close();
  connection.disconnect();
  await deleteRedisKeys(prefix);
  await db().$disconnect();
});

describe('the real-time views, as the League pages read them', () => {
  it('tournament_standings: a tournament page\'s rows with the entries\' names and win percentages; its entrants and results', async () => {
    const { tournament, rows } = await tournamentStandings(cache, tournamentId);
    expect(tournament).toMatchObject({ name: 'The cup', kind: 'cup', leagueId: 5 });
    expect(rows).toEqual([
      { entryId: 11, entryName: 'Entry 11', rank: 1, points: 2, played: 2, won: 2, drawn: 0, lost: 0, eliminated: false, winPercent: 100 },
      { entryId: 12, entryName: 'Entry 12', rank: 2, points: 1, played: 3, won: 1, drawn: 0, lost: 2, eliminated: true, winPercent: 33.3 },
      { entryId: 13, entryName: 'Entry 13', rank: 3, points: 0, played: 0, won: 0, drawn: 0, lost: 0, eliminated: false, winPercent: null },
    ]);
    expect(await tournamentEntrants(cache, tournamentId)).toEqual({ entries: 3, stillIn: 2 });
    expect(await tournamentResults(cache, tournamentId)).toEqual([{ eventId: 1, round: 1, home: 'Entry 11', away: 'Entry 12', homePoints: 60, awayPoints: 40, winner: 'Entry 11' }]);

    // Read through the cache: a change reaches the page once the tournament jobs drop the key.
    await db().tournamentStanding.update({ where: { tournamentId_entryId: { tournamentId, entryId: 13 } }, data: { played: 1, won: 1 } });
    expect((await tournamentStandings(cache, tournamentId)).rows[2]!.winPercent).toBeNull();
    await cache.invalidate([`tournament:${tournamentId}:standings`]);
    expect((await tournamentStandings(cache, tournamentId)).rows[2]!.winPercent).toBe(100);
    expect(await tournamentStandings(cache, '00000000-0000-0000-0000-000000000000')).toEqual({ tournament: null, rows: [] });
  });

  it('league_event_stats: the gameweek\'s matches, goals and players who played', async () => {
    expect(await gameweekStats(cache, 1)).toEqual({ eventId: 1, fixtures: 2, fixturesStarted: 1, fixturesFinished: 1, goals: 3, playersPlayed: 1, topPlayerPoints: 13 });
    expect(await gameweekStats(cache, 99)).toBeNull();
  });
});
