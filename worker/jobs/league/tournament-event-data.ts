import { db } from '@/lib/db.ts';
import type { TwoLevelCache } from '@/lib/cache/two-level-cache.ts';
import { integrationRetry } from '@/lib/jobs/definitions/league/retry-kinds.ts';
import { tournamentEventDataJob } from '@/lib/jobs/definitions/league/tournament-event-data.ts';
import { isNotFound } from '@/lib/league/upstream-client.ts';
import type { UpstreamHistoryRow } from '@/lib/league/upstream-schemas.ts';
import { knockoutRounds, type TournamentKind } from '@/lib/league/tournament-rules.ts';
import { defineHandler } from '../../define-handler.ts';
import type { RunContext } from '../../run-context.ts';
import { chunks } from './chunks.ts';
import { historyChanged, historyRows } from './fetched-histories.ts';
import { hybridPreRunChecks } from './hybrid-pre-run-checks.ts';
import { leagueServices } from './league-services.ts';
import { markEntriesDeleted, updateStartedEvents, upsertEntryHistories } from './league-store.ts';
import { fetchStandings, standingsProgress, storeStandings } from './standings-sync.ts';
import { eventsRead, loadFinishedEvents, loadTournaments, missingHistories } from './tournament-data.ts';
import { batchKeepingSuccesses, upstreamBatchOptions, UpstreamRequests } from './upstream-requests.ts';

/**
 * Handler of tournament-event-data (lib/jobs/definitions/league/tournament-event-data.ts), a
 * hybrid job: it reads from the database what to fetch (meta), fetches it from the upstream
 * in rate-limited batches (external; see upstream-requests.ts), and writes it back in
 * transactions (integration), invalidating the cache keys of what changed once each
 * transaction has committed.
 */

const tournamentKinds: readonly TournamentKind[] = ['points_race', 'battle_race', 'knockout', 'cup'];
const kindNames: Record<TournamentKind, string> = { points_race: 'Points race', battle_race: 'Battle race', knockout: 'Knockout', cup: 'Cup' };

export interface TournamentEventDataResult {
  /** Leagues whose standings were read plus entries whose history was fetched. */
  processed: number;
  leagues: number;
  leaguesFailed: number;
  standingsWritten: number;
  standingsRemoved: number;
  entriesCreated: number;
  tournamentsCreated: number;
  /** Entries whose history was fetched because a tournament needs an event of it that is not stored (final) yet. */
  historiesNeeded: number;
  historiesFetched: number;
  historyRowsWritten: number;
  deleted: number;
  failed: number;
  skipped: number;
  apiRequests: number;
}

/**
 * Creates the tournament kinds a league lacks, with the league's top `maxEntrants` standings
 * as entrants (their initial rank is their seed). They start at the league's points race's
 * first event when it has one, else at the first unfinished event; the knockout lasts as many
 * events as it needs rounds; the cup starts one event later (it is seeded from the points
 * race's first event). Returns how many were created.
 */
async function ensureTournaments(
  league: { id: number; name: string },
  season: { firstUnfinished: number | undefined; lastEvent: number },
  maxEntrants: number,
  log: RunContext['log'],
): Promise<number> {
  const existing = await db().tournament.findMany({ where: { leagueId: league.id }, select: { kind: true, startEvent: true } });
  const missing = tournamentKinds.filter((kind) => !existing.some((t) => t.kind === kind));
  if (missing.length === 0) return 0;
  const start = existing.find((t) => t.kind === 'points_race')?.startEvent ?? season.firstUnfinished;
  if (start === undefined) {
    log(`League ${league.id}: the season is over, no tournament to create`);
    return 0;
  }
  const entrants = await db().leagueStanding.findMany({
    where: { leagueId: league.id, entry: { deleted: false } },
    orderBy: [{ rank: 'asc' }, { entryId: 'asc' }],
    take: maxEntrants,
    select: { entryId: true },
  });
  if (entrants.length < 2) {
    log(`League ${league.id}: fewer than two entries in its standings, no tournament yet`);
    return 0;
  }
  const rounds = knockoutRounds(entrants.length);
  const ranges: Record<TournamentKind, [number, number]> = {
    points_race: [start, season.lastEvent],
    battle_race: [start, season.lastEvent],
    knockout: [start, Math.min(season.lastEvent, start + rounds - 1)],
    cup: [start + 1, Math.min(season.lastEvent, start + rounds)],
  };
  const creatable = missing.filter((kind) => ranges[kind][0] <= ranges[kind][1]);
  await db().$transaction(async (tx) => {
    for (const kind of creatable) {
      const [startEvent, endEvent] = ranges[kind];
      const tournament = await tx.tournament.create({ data: { name: `${league.name}: ${kindNames[kind]}`, leagueId: league.id, kind, startEvent, endEvent } });
      await tx.tournamentStanding.createMany({ data: entrants.map((entrant, index) => ({ tournamentId: tournament.id, entryId: entrant.entryId, rank: index + 1 })) });
    }
  });
  return creatable.length;
}

/** Drops the `entry:{id}` keys of `stale`, forgetting them once dropped. */
async function dropStaleEntries(cache: TwoLevelCache, stale: Set<number>): Promise<void> {
  if (stale.size === 0) return;
  const ids = [...stale];
  await cache.invalidate(ids.map((id) => `entry:${id}`));
  for (const id of ids) stale.delete(id);
}

/** Drops the `tournament:league:{id}` keys of `stale`, forgetting each once dropped. */
async function dropStaleTournaments(cache: TwoLevelCache, stale: Set<number>): Promise<void> {
  for (const leagueId of [...stale]) {
    await cache.invalidate([`tournament:league:${leagueId}`]);
    stale.delete(leagueId);
  }
}

type HistoryFetch = { kind: 'fetched'; id: number; history: UpstreamHistoryRow[] } | { kind: 'deleted'; id: number };

export const tournamentEventDataHandler = defineHandler(tournamentEventDataJob, async (ctx) => {
  const { config } = ctx;
  const { cache, upstream: newClient } = await leagueServices();
  const upstream = new UpstreamRequests(newClient(), ctx, config.requestsPerMinute);
  const summary: TournamentEventDataResult = {
    processed: 0, leagues: 0, leaguesFailed: 0, standingsWritten: 0, standingsRemoved: 0, entriesCreated: 0, tournamentsCreated: 0,
    historiesNeeded: 0, historiesFetched: 0, historyRowsWritten: 0, deleted: 0, failed: 0, skipped: 0, apiRequests: 0,
  };
  try {
    const meta = await ctx.phase('meta', async () => {
      const known = await db().league.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
      const events = await db().event.findMany({ select: { id: true, finished: true }, orderBy: { id: 'asc' } });
      return {
        leagueIds: known.length > 0 ? known.map((league) => league.id) : config.leagueIds,
        firstUnfinished: events.find((event) => !event.finished)?.id,
        lastEvent: events.at(-1)?.id,
      };
    });
    if (meta.lastEvent === undefined) {
      ctx.log('No events stored yet (bootstrap-meta stores them): nothing to prepare');
      return summary;
    }
    const lastEvent = meta.lastEvent;

    const standings = await ctx.phase('external-standings', () => fetchStandings(ctx, upstream, meta.leagueIds, config.maxStandingsPages, config));
    // The integration phases are tried again by themselves (integrationRetry); each try carries
    // on from what the one before committed.
    const standingsStored = standingsProgress(standings.result);
    const tournamentsStale = new Set<number>();
    await ctx.phase(
      'integration-standings',
      async () => {
        const stored = await storeStandings(standings.result, cache, ctx.log, standingsStored);
        Object.assign(summary, { leagues: stored.leagues.length, leaguesFailed: stored.leaguesFailed, standingsWritten: stored.standingsWritten, standingsRemoved: stored.standingsRemoved, entriesCreated: stored.entriesCreated });
        // Standings that failed to arrive: no tournament is made from part of them (the run fails below).
        if (standings.failure) return;
        const leagues = await db().league.findMany({ where: { id: { in: meta.leagueIds } }, select: { id: true, name: true }, orderBy: { id: 'asc' } });
        for (const league of leagues) {
          // ensureTournaments makes only the kinds a league lacks, so a second try adds nothing twice.
          const created = await ensureTournaments(league, { firstUnfinished: meta.firstUnfinished, lastEvent }, config.maxEntrants, ctx.log);
          summary.tournamentsCreated += created;
          if (created > 0) tournamentsStale.add(league.id);
          await dropStaleTournaments(cache, tournamentsStale);
        }
        await dropStaleTournaments(cache, tournamentsStale);
      },
      { retry: integrationRetry },
    );
    if (standings.failure) throw standings.failure;

    const missing = await ctx.phase('meta-histories', async () => {
      const finished = await loadFinishedEvents(db());
      const latest = finished.at(-1)?.id ?? 0;
      const tournaments = await loadTournaments(db());
      return missingHistories(db(), tournaments.map((t) => ({ entrants: t.entrants, events: eventsRead(t, finished, latest) })), finished);
    });
    const entryIds = [...missing.keys()];
    summary.historiesNeeded = entryIds.length;

    const histories = await ctx.phase('external-histories', () =>
      batchKeepingSuccesses(ctx, entryIds, upstreamBatchOptions(config), async (id): Promise<HistoryFetch> => {
        try {
          const history = await upstream.forItem()((client, options) => client.entryHistory(id, options));
          return { kind: 'fetched', id, history: history.current };
        } catch (error) {
          if (isNotFound(error)) return { kind: 'deleted', id };
          throw error;
        }
      }),
    );
    summary.failed = histories.result.failed;
    summary.skipped = histories.result.skipped;

    const answers = histories.result.results.filter((answer): answer is HistoryFetch => answer !== undefined);
    const committed = new Set<number>();
    const entriesStale = new Set<number>();
    await ctx.phase('integration-histories', async () => {
      const finishedUpTo = (await db().event.aggregate({ where: { finished: true }, _max: { id: true } }))._max.id ?? 0;
      for (const [index, batch] of chunks(answers, config.batchSize).entries()) {
        ctx.signal.throwIfAborted();
        if (committed.has(index)) continue;
        const fetched = batch.filter((answer) => answer.kind === 'fetched');
        const write = await db().$transaction(async (tx) => {
          const history = await upsertEntryHistories(tx, historyRows(fetched), { markFinal: true });
          // an empty history: the entry has played no event so far, so none it could lack
          await updateStartedEvents(tx, fetched.map((answer) => ({ id: answer.id, startedEvent: answer.history.length > 0 ? Math.min(...answer.history.map((row) => row.event)) : null })), finishedUpTo + 1);
          const deleted = await markEntriesDeleted(tx, batch.filter((answer) => answer.kind === 'deleted').map((answer) => answer.id), new Date());
          return { history, deleted };
        });
        committed.add(index);
        summary.historiesFetched += fetched.length;
        summary.historyRowsWritten += write.history.created.length + write.history.updated.length;
        summary.deleted += write.deleted.length;
        for (const id of [...historyChanged(write.history), ...write.deleted]) entriesStale.add(id);
        await dropStaleEntries(cache, entriesStale);
      }
      await dropStaleEntries(cache, entriesStale);
    }, { retry: integrationRetry });
    summary.processed = summary.leagues + summary.historiesFetched;
    ctx.count('historyRowsWritten', summary.historyRowsWritten);
    ctx.count('tournamentsCreated', summary.tournamentsCreated);
    if (histories.failure) throw histories.failure;
    return summary;
  } finally {
    summary.apiRequests = upstream.client.requests;
  }
}, { checks: hybridPreRunChecks });
