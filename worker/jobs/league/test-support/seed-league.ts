import type { Db } from '@/lib/db.ts';
import { toEventRow, toFixtureRow, toTeamRow } from '@/lib/league/league-data.ts';
import type { UpstreamClient } from '@/lib/league/upstream-client.ts';

/**
 * For tests of the league jobs: fills the meta tables (teams, events, fixtures) from an
 * upstream's bootstrap-static and fixtures with the row mappers of lib/league/league-data.ts,
 * so a test does not depend on the meta jobs. Like those, it writes only rows that are new
 * or differ, so a row's `updatedAt` moves only when it changes (the tournament jobs read an
 * event's `updatedAt` to tell a provisional history row from a final one). Call it again
 * after moving the simulator's clock.
 */
export interface SeedLeagueOptions {
  db: Db;
  upstream: UpstreamClient;
  /** The upstream's time (the simulator's `state.now()`), for Event.isLive. */
  now: Date;
}

export interface SeedCounts {
  created: number;
  updated: number;
}

export async function seedLeague({ db, upstream, now }: SeedLeagueOptions): Promise<{ teams: SeedCounts; events: SeedCounts; fixtures: SeedCounts }> {
  const [bootstrap, fixtures] = await Promise.all([upstream.bootstrapStatic(), upstream.fixtures()]);
  const teams = bootstrap.teams.map(toTeamRow);
  const events = bootstrap.events.map((event) => toEventRow(event, now));
  const fixtureRows = fixtures.map(toFixtureRow);
  return db.$transaction(
    async (tx) => ({
      teams: await sync(teams, await tx.team.findMany(), (rows) => tx.team.createMany({ data: rows }), (row) => tx.team.update({ where: { id: row.id }, data: row })),
      events: await sync(events, await tx.event.findMany(), (rows) => tx.event.createMany({ data: rows }), (row) => tx.event.update({ where: { id: row.id }, data: row })),
      fixtures: await sync(
        fixtureRows,
        await tx.fixture.findMany(),
        (rows) => tx.fixture.createMany({ data: rows }),
        (row) => tx.fixture.update({ where: { id: row.id }, data: row }),
      ),
    }),
    { timeout: 30_000 },
  );
}

/** Creates the rows not stored, updates those that differ in a field of the row. */
async function sync<R extends { id: number }>(
  rows: readonly R[],
  stored: readonly (R & { updatedAt: Date })[],
  create: (rows: R[]) => Promise<unknown>,
  update: (row: R) => Promise<unknown>,
): Promise<SeedCounts> {
  const byId = new Map(stored.map((row) => [row.id, row]));
  const fresh = rows.filter((row) => !byId.has(row.id));
  const changed = rows.filter((row) => {
    const old = byId.get(row.id);
    return old !== undefined && (Object.keys(row) as (keyof R)[]).some((key) => !same(row[key], old[key]));
  });
  if (fresh.length > 0) await create(fresh);
  for (const row of changed) await update(row);
  return { created: fresh.length, updated: changed.length };
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}
