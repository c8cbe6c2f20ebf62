import type { TwoLevelCache } from '@/lib/cache/two-level-cache.ts';
import { db } from '@/lib/db.ts';
import { entryUpdatesJob, tournamentEventDataJob } from '@/lib/jobs/definitions/league/entry-updates.ts';
import { toEntryEventHistoryRow, toEntryRow } from '@/lib/league/league-data.ts';
import { isNotFound } from '@/lib/league/upstream-client.ts';
import type { UpstreamEntry, UpstreamHistoryRow } from '@/lib/league/upstream-schemas.ts';
import { knockoutRounds, type TournamentKind } from '@/lib/league/tournament-rules.ts';
import type { BatchResult } from '../../batch/run-batch.ts';
import { defineHandler } from '../../define-handler.ts';
import type { RunContext } from '../../run-context.ts';
import { leagueServices } from './league-services.ts';
import {
  fetchLeagueStandings,
  markEntriesDeleted,
  updateStartedEvents,
  updateStandingTotals,
  upsertEntries,
  upsertEntryHistories,
  writeLeagueStandings,
  type FetchedStandings,
  type HistoryWrite,
} from './league-store.ts';
import { eventsRead, loadFinishedEvents, loadTournaments, missingHistories } from './tournament-data.ts';
import { batchKeepingSuccesses, upstreamBatchOptions, UpstreamRequests, type ItemRequests, type UpstreamBatchConfig } from './upstream-requests.ts';

/**
 * The league's hybrid jobs (lib/jobs/definitions/league/entry-updates.ts): each reads from the
 * database what to fetch (meta), fetches it from the upstream in rate-limited batches
 * (external; see upstream-requests.ts), and writes it back in transactions (integration),
 * invalidating the cache keys of what changed once each transaction has committed.
 */

type BatchContext = Pick<RunContext, 'batch' | 'signal' | 'log' | 'count'>;

// ---------------------------------------------------------------- shared: standings

interface StandingsSummary {
  leagues: number[];
  leaguesFailed: number;
  standingsWritten: number;
  standingsRemoved: number;
  entriesCreated: number;
}

/** Fetches up to `maxPages` standings pages of each league in one batch (a league is an item). */
function fetchStandings(ctx: BatchContext, upstream: UpstreamRequests, leagueIds: readonly number[], maxPages: number, config: UpstreamBatchConfig) {
  return batchKeepingSuccesses(ctx, leagueIds, upstreamBatchOptions(config), (leagueId) => fetchLeagueStandings(upstream.forItem(), leagueId, maxPages));
}

/** Writes each league's fetched standings in its own transaction, then drops its cached pages if they changed. */
async function storeStandings(fetched: BatchResult<FetchedStandings>, cache: TwoLevelCache, log: RunContext['log']): Promise<StandingsSummary> {
  const summary: StandingsSummary = { leagues: [], leaguesFailed: fetched.failed + fetched.skipped, standingsWritten: 0, standingsRemoved: 0, entriesCreated: 0 };
  for (const standings of fetched.results) {
    if (!standings) continue;
    const write = await db().$transaction((tx) => writeLeagueStandings(tx, standings));
    summary.leagues.push(standings.league.id);
    const standingsWritten = write.standings.created + write.standings.updated;
    summary.standingsWritten += standingsWritten;
    summary.standingsRemoved += write.standingsRemoved;
    summary.entriesCreated += write.entriesCreated;
    if (write.league !== 'unchanged' || standingsWritten + write.standingsRemoved > 0) {
      // The pages, and the league list (names and member counts).
      await cache.invalidatePattern(`league:${standings.league.id}:standings:`);
      await cache.invalidate(['league:list']);
    }
    if (!standings.complete) log(`League ${standings.league.id} has more standings pages than were read; rows of entries not seen were kept`, { leagueId: standings.league.id });
  }
  return summary;
}

/** The history rows of fetched entries, to write with markFinal: a row fetched while its event was live is rewritten once the event is final. */
const historyRows = (fetched: readonly { id: number; history: readonly UpstreamHistoryRow[] }[]) =>
  fetched.flatMap((answer) => answer.history.map((row) => toEntryEventHistoryRow(answer.id, row)));

/** The entries whose history rows the write created or updated. */
const historyChanged = (write: HistoryWrite) => [...write.created, ...write.updated].map((row) => row.entryId);

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

// ---------------------------------------------------------------- entry-updates

type EntryFetch = { kind: 'fetched'; id: number; entry: UpstreamEntry; history: UpstreamHistoryRow[]; fetchedAt: Date } | { kind: 'deleted'; id: number };

export interface EntryUpdatesResult {
  entries: number;
  /** Entries answered (a 404 counts: the entry is marked deleted). */
  succeeded: number;
  failed: number;
  /** Not called: the circuit breaker was open, or the run stopped early. */
  skipped: number;
  deleted: number;
  apiRequests: number;
  historyRowsWritten: number;
  /** History rows of events not stored yet (the meta job has not run). */
  historyRowsSkipped: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  leaguesDiscovered: number;
}

async function fetchEntry(requests: ItemRequests, id: number): Promise<EntryFetch> {
  try {
    const entry = await requests((client, options) => client.entry(id, options));
    const history = await requests((client, options) => client.entryHistory(id, options));
    return { kind: 'fetched', id, entry, history: history.current, fetchedAt: new Date() };
  } catch (error) {
    if (isNotFound(error)) return { kind: 'deleted', id };
    throw error;
  }
}

export const entryUpdatesHandler = defineHandler(entryUpdatesJob, async (ctx) => {
  const { config } = ctx;
  const { cache, upstream: newClient } = await leagueServices();
  const upstream = new UpstreamRequests(newClient(), ctx, config.requestsPerMinute);
  const summary: EntryUpdatesResult = {
    entries: 0, succeeded: 0, failed: 0, skipped: 0, deleted: 0, apiRequests: 0, historyRowsWritten: 0, historyRowsSkipped: 0,
    processed: 0, created: 0, updated: 0, unchanged: 0, leaguesDiscovered: 0,
  };
  try {
    const entryIds = await ctx.phase('meta', async () => {
      const leagues = await db().league.count();
      if (leagues === 0) {
        ctx.log('No league known yet: discovering the configured ones', { leagueIds: config.leagueIds });
        const discovered = await fetchStandings(ctx, upstream, config.leagueIds, 1, config);
        const stored = await storeStandings(discovered.result, cache, ctx.log);
        summary.leaguesDiscovered = stored.leagues.length;
        if (discovered.failure) throw discovered.failure;
      }
      const rows = await db().$queryRaw<{ id: number }[]>`
        SELECT e.id FROM "Entry" e
        WHERE NOT e.deleted AND (e.tracked OR EXISTS (SELECT 1 FROM "LeagueStanding" s WHERE s."entryId" = e.id))
        ORDER BY e."lastFetchedAt" ASC NULLS FIRST, e.id ASC
        LIMIT ${config.maxEntries}`;
      return rows.map((row) => row.id);
    });
    summary.entries = entryIds.length;

    const { result, failure } = await ctx.phase('external', () =>
      batchKeepingSuccesses(ctx, entryIds, upstreamBatchOptions(config), (id) => fetchEntry(upstream.forItem(), id)),
    );
    summary.succeeded = result.succeeded;
    summary.failed = result.failed;
    summary.skipped = result.skipped;
    if (failure) ctx.log(`${failure.message}; storing the ${result.succeeded} answers before failing`);

    await ctx.phase('integration', async () => {
      const answers = result.results.filter((answer): answer is EntryFetch => answer !== undefined);
      for (const batch of chunks(answers, config.batchSize)) {
        ctx.signal.throwIfAborted();
        const fetched = batch.filter((answer) => answer.kind === 'fetched');
        const write = await db().$transaction(async (tx) => {
          // lastFetchedAt orders the next runs, so it moves on every entry fetched
          const entries = await upsertEntries(tx, fetched.map((answer) => toEntryRow(answer.entry, answer.fetchedAt)), { recordFetch: true, track: true });
          const deleted = await markEntriesDeleted(tx, batch.filter((answer) => answer.kind === 'deleted').map((answer) => answer.id), new Date());
          const history = await upsertEntryHistories(tx, historyRows(fetched), { markFinal: true });
          const leagues = await updateStandingTotals(
            tx,
            fetched.map((answer) => ({ entryId: answer.id, total: answer.entry.summary_overall_points, eventTotal: answer.entry.summary_event_points ?? 0 })),
          );
          return { entries, deleted, history, leagues };
        });
        summary.created += write.entries.created.length;
        summary.updated += write.entries.updated.length;
        summary.unchanged += write.entries.unchanged;
        summary.deleted += write.deleted.length;
        summary.historyRowsWritten += write.history.created.length + write.history.updated.length;
        summary.historyRowsSkipped += write.history.unknownEvents;
        const changed = new Set([...[...write.entries.created, ...write.entries.updated].map((entry) => entry.id), ...write.deleted, ...historyChanged(write.history)]);
        await cache.invalidate([...changed].map((id) => `entry:${id}`));
        for (const leagueId of write.leagues) await cache.invalidatePattern(`league:${leagueId}:standings:`);
      }
    });
    summary.processed = summary.created + summary.updated + summary.unchanged + summary.deleted;
    if (summary.historyRowsSkipped > 0) ctx.log(`${summary.historyRowsSkipped} history rows left out: their events are not stored yet (bootstrap-meta stores them)`);
    ctx.count('historyRowsWritten', summary.historyRowsWritten);
    ctx.count('entriesDeleted', summary.deleted);
    if (failure) throw failure;
    return summary;
  } finally {
    summary.apiRequests = upstream.client.requests;
  }
});

// ---------------------------------------------------------------- tournament-event-data

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
    await ctx.phase('integration-standings', async () => {
      const stored = await storeStandings(standings.result, cache, ctx.log);
      Object.assign(summary, { leagues: stored.leagues.length, leaguesFailed: stored.leaguesFailed, standingsWritten: stored.standingsWritten, standingsRemoved: stored.standingsRemoved, entriesCreated: stored.entriesCreated });
      if (standings.failure) throw standings.failure;
      const leagues = await db().league.findMany({ where: { id: { in: meta.leagueIds } }, select: { id: true, name: true }, orderBy: { id: 'asc' } });
      for (const league of leagues) {
        const created = await ensureTournaments(league, { firstUnfinished: meta.firstUnfinished, lastEvent }, config.maxEntrants, ctx.log);
        summary.tournamentsCreated += created;
        if (created > 0) await cache.invalidate([`tournament:league:${league.id}`]);
      }
    });

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

    await ctx.phase('integration-histories', async () => {
      const answers = histories.result.results.filter((answer): answer is HistoryFetch => answer !== undefined);
      const finishedUpTo = (await db().event.aggregate({ where: { finished: true }, _max: { id: true } }))._max.id ?? 0;
      for (const batch of chunks(answers, config.batchSize)) {
        ctx.signal.throwIfAborted();
        const fetched = batch.filter((answer) => answer.kind === 'fetched');
        const write = await db().$transaction(async (tx) => {
          const history = await upsertEntryHistories(tx, historyRows(fetched), { markFinal: true });
          // an empty history: the entry has played no event so far, so none it could lack
          await updateStartedEvents(tx, fetched.map((answer) => ({ id: answer.id, startedEvent: answer.history.length > 0 ? Math.min(...answer.history.map((row) => row.event)) : null })), finishedUpTo + 1);
          const deleted = await markEntriesDeleted(tx, batch.filter((answer) => answer.kind === 'deleted').map((answer) => answer.id), new Date());
          return { history, deleted };
        });
        summary.historiesFetched += fetched.length;
        summary.historyRowsWritten += write.history.created.length + write.history.updated.length;
        summary.deleted += write.deleted.length;
        await cache.invalidate([...new Set([...historyChanged(write.history), ...write.deleted])].map((id) => `entry:${id}`));
      }
    });
    summary.processed = summary.leagues + summary.historiesFetched;
    ctx.count('historyRowsWritten', summary.historyRowsWritten);
    ctx.count('tournamentsCreated', summary.tournamentsCreated);
    if (histories.failure) throw histories.failure;
    return summary;
  } finally {
    summary.apiRequests = upstream.client.requests;
  }
});

export const hybridHandlers = [entryUpdatesHandler, tournamentEventDataHandler] as const;
