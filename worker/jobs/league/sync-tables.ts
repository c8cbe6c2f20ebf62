import { UnrecoverableError } from 'bullmq';
import type { TwoLevelCache } from '@/lib/cache/two-level-cache.ts';
import { db } from '@/lib/db.ts';
import {
  isEventLive,
  toEventRow,
  toFixtureRow,
  toPhaseRow,
  toPlayerEventStatsRow,
  toPlayerRow,
  toTeamRow,
  validateBootstrap,
  type EventRow,
  type FixtureRow,
  type PhaseRow,
  type PlayerEventStatsRow,
  type PlayerRow,
  type TeamRow,
} from '@/lib/league/league-data.ts';
import { countRollback } from '@/lib/metrics/league-metrics.ts';
import { currentGameweekId, fixtureOrder, gameweekValue, matchValue } from '@/lib/league/league-queries.ts';
import type { BootstrapStatic, Fixtures, UpstreamLiveElement } from '@/lib/league/upstream-schemas.ts';
import type { RunContext } from '../../run-context.ts';
import { invalidateChanged, writeThrough } from './league-run.ts';
import { upsertChanged, type ColumnValues, type SqlRunner, type UpsertSpec } from './upsert-changed.ts';

/**
 * The league tables written from bootstrap-static, the fixtures and an event's live data:
 * one definition per table (its rows from the upstream's answer, the cache keys its changed
 * rows make stale, and the values it can write through), shared by every job that writes the
 * table (bootstrap-meta, teams-update, phases-update, event-live-update, live-scores-update).
 * The live jobs write those values into the cache after the commit (write-through); the meta
 * jobs drop the same keys instead.
 */

/** What the upstream answered in this run; each table reads its part. */
export interface LeagueSource {
  bootstrap?: BootstrapStatic;
  fixtures?: Fixtures;
  live?: { eventId: number; elements: UpstreamLiveElement[] };
}

interface TableDefinition<Row> {
  spec: UpsertSpec<Row>;
  rows(source: LeagueSource): Row[];
  /** The cache keys made stale by these changed (created or updated) rows. */
  cacheKeys(changed: Row[]): string[];
  /** The fresh values of cache keys, from the changed rows and all rows of this write (same shapes as lib/league/league-queries.ts loads). */
  cacheWrites?(changed: Row[], all: Row[]): CacheWrite[];
}

/** A value a job writes through the cache. */
export interface CacheWrite {
  key: string;
  value: unknown;
}

/** A table's definition, bound: writes its rows from a source and tells what changed. */
interface LeagueTableWriter {
  write(sql: SqlRunner, source: LeagueSource): Promise<TableOutcome>;
}

export interface TableOutcome {
  created: number;
  updated: number;
  unchanged: number;
  /** Ids of the changed rows in ascending order (single-column keys only). */
  changedIds: number[];
  cacheKeys: string[];
  cacheWrites: CacheWrite[];
}

const required = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`${what} was not fetched in this run`);
  return value;
};

/**
 * The upstream's clock as its data tells it. The current event is the last whose deadline
 * has passed, so a deadline has passed exactly when it is at or before the current event's.
 * Our own clock would disagree with a simulated upstream (and with a real one by any skew),
 * making events live that the upstream has not opened yet.
 */
export function upstreamNow(bootstrap: BootstrapStatic): Date {
  const current = bootstrap.events.find((event) => event.is_current);
  return current ? new Date(current.deadline_time) : new Date(0);
}

/** The live event by the upstream's clock (deadline passed, not finished), or undefined. */
export function liveEventId(bootstrap: BootstrapStatic): number | undefined {
  const now = upstreamNow(bootstrap);
  const live = bootstrap.events.filter((event) => isEventLive(event, now)).map((event) => event.id);
  return live.length > 0 ? Math.max(...live) : undefined;
}

function define<Row extends ColumnValues<Row>>(definition: TableDefinition<Row>): LeagueTableWriter {
  const [onlyKey, ...moreKeys] = definition.spec.key;
  return {
    async write(sql, source) {
      const rows = definition.rows(source);
      const { created, updated, unchanged } = await upsertChanged(sql, definition.spec, rows);
      const changed = [...created, ...updated];
      return {
        created: created.length,
        updated: updated.length,
        unchanged,
        changedIds: onlyKey !== undefined && moreKeys.length === 0 ? changed.map((row) => Number(row[onlyKey])).sort((a, b) => a - b) : [],
        cacheKeys: definition.cacheKeys(changed),
        cacheWrites: changed.length > 0 ? (definition.cacheWrites?.(changed, rows) ?? []) : [],
      };
    },
  };
}

const ifAny = (changed: unknown[], keys: string[]) => (changed.length > 0 ? keys : []);
const eventIds = (rows: { eventId: number }[]) => [...new Set(rows.map((row) => row.eventId))];
/** The real-time view league_event_stats aggregates fixtures and players' points per gameweek. */
const eventStatsKeys = (rows: { eventId: number }[]) => eventIds(rows).map((id) => `analytics:event:${id}:stats`);

export const leagueTables = {
  phases: define<PhaseRow>({
    spec: { table: 'Phase', key: ['id'] },
    rows: (source) => required(source.bootstrap, 'bootstrap-static').phases.map(toPhaseRow),
    cacheKeys: (changed) => ifAny(changed, ['meta:phases']),
  }),
  teams: define<TeamRow>({
    spec: { table: 'Team', key: ['id'] },
    rows: (source) => required(source.bootstrap, 'bootstrap-static').teams.map(toTeamRow),
    cacheKeys: (changed) => ifAny(changed, ['meta:teams']),
  }),
  events: define<EventRow>({
    spec: { table: 'Event', key: ['id'] },
    rows: (source) => {
      const bootstrap = required(source.bootstrap, 'bootstrap-static');
      const now = upstreamNow(bootstrap);
      return bootstrap.events.map((event) => toEventRow(event, now));
    },
    cacheKeys: () => [],
    cacheWrites: (changed, all) => [{ key: 'event:current', value: currentGameweekId(all) }, ...changed.map((event) => ({ key: `event:${event.id}:status`, value: gameweekValue(event) }))],
  }),
  players: define<PlayerRow>({
    spec: { table: 'Player', key: ['id'] },
    rows: (source) => required(source.bootstrap, 'bootstrap-static').elements.map(toPlayerRow),
    cacheKeys: (changed) => ifAny(changed, ['player:top', ...changed.map((player) => `player:${player.id}`)]),
  }),
  fixtures: define<FixtureRow>({
    spec: { table: 'Fixture', key: ['id'] },
    rows: (source) => required(source.fixtures, 'fixtures').map(toFixtureRow),
    cacheKeys: eventStatsKeys,
    cacheWrites: (changed, all) => [
      ...changed.map((fixture) => ({ key: `live:match:${fixture.id}`, value: matchValue(fixture) })),
      ...eventIds(changed).map((eventId) => ({ key: `live:event:${eventId}`, value: fixtureOrder(all.filter((fixture) => fixture.eventId === eventId)) })),
    ],
  }),
  playerEventStats: define<PlayerEventStatsRow>({
    spec: { table: 'PlayerEventStats', key: ['playerId', 'eventId'] },
    rows: (source) => {
      const live = required(source.live, 'event live data');
      return live.elements.map((element) => toPlayerEventStatsRow(live.eventId, element));
    },
    cacheKeys: eventStatsKeys,
  }),
};

export type LeagueTable = keyof typeof leagueTables;

/** The order tables are written in: each after the tables its rows reference. */
const writeOrder: LeagueTable[] = ['phases', 'teams', 'events', 'players', 'fixtures', 'playerEventStats'];

/**
 * Refuses an inconsistent bootstrap (with the fixtures when given) before anything is written.
 * Unrecoverable: the same data would be refused again on a retry.
 */
export function assertConsistent(bootstrap: BootstrapStatic, fixtures?: Fixtures): void {
  const check = validateBootstrap(bootstrap, fixtures);
  if (!check.ok) throw new UnrecoverableError(`Refused inconsistent upstream data, nothing written: ${check.problems.join('; ')}`);
}

/**
 * Writes `tables` from `source` in one transaction, in reference order; only changed rows are
 * written. `writer` (the job writing) is named in the NOTIFYs the transaction sends, so the
 * league listener does not queue that job again for its own change.
 */
export function writeTables(source: LeagueSource, tables: readonly LeagueTable[], writer?: string): Promise<Partial<Record<LeagueTable, TableOutcome>>> {
  const ordered = writeOrder.filter((table) => tables.includes(table));
  return db()
    .$transaction(
      async (tx) => {
        if (writer) await tx.$executeRaw`SELECT set_config('kickoff.writer', ${writer}, true)`;
        const outcomes: Partial<Record<LeagueTable, TableOutcome>> = {};
        for (const table of ordered) outcomes[table] = await leagueTables[table].write(tx, source);
        return outcomes;
      },
      { maxWait: 10_000, timeout: 60_000 },
    )
    .catch(async (error: unknown) => {
      await countRollback('tables');
      throw error;
    });
}

export interface TablesSummary {
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  tables: Partial<Record<LeagueTable, { created: number; updated: number; unchanged: number }>>;
  /** Ids of the events whose row changed, when events were written. */
  changedEvents?: number[];
  /** Cache keys invalidated (that the cache held). */
  invalidated: number;
  /** Cache keys written through (live jobs), or 0. */
  written: number;
}

/**
 * Counts what the writes did (per table: `{table}Created`, `{table}Updated`,
 * `{table}Unchanged`), brings the cache up to date and sums it up: with `writeThrough` (the
 * live jobs) the fresh values are written into the cache, otherwise their keys are dropped too;
 * the keys of values only a read can build (view rows, rankings) are always dropped. Call
 * after the transaction committed.
 */
export async function reportTables(
  ctx: RunContext<unknown, unknown>,
  cache: TwoLevelCache,
  outcomes: Partial<Record<LeagueTable, TableOutcome>>,
  options: { writeThrough?: boolean } = {},
): Promise<TablesSummary> {
  const summary: TablesSummary = { processed: 0, created: 0, updated: 0, unchanged: 0, tables: {}, invalidated: 0, written: 0 };
  for (const [table, outcome] of Object.entries(outcomes) as [LeagueTable, TableOutcome][]) {
    const { created, updated, unchanged } = outcome;
    summary.tables[table] = { created, updated, unchanged };
    summary.processed += created + updated + unchanged;
    summary.created += created;
    summary.updated += updated;
    summary.unchanged += unchanged;
    ctx.count(`${table}Created`, created);
    ctx.count(`${table}Updated`, updated);
    ctx.count(`${table}Unchanged`, unchanged);
  }
  ctx.count('processed', summary.processed);
  if (outcomes.events) summary.changedEvents = outcomes.events.changedIds;
  const writes = Object.values(outcomes).flatMap((outcome) => outcome.cacheWrites);
  const stale = Object.values(outcomes).flatMap((outcome) => outcome.cacheKeys);
  if (options.writeThrough) summary.written = await writeThrough(ctx, cache, writes);
  else stale.push(...writes.map((write) => write.key));
  summary.invalidated = await invalidateChanged(ctx, cache, stale);
  return summary;
}
