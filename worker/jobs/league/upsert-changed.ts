import { Prisma } from '@/lib/db.ts';

/**
 * Bulk upsert that writes only what changed: one `INSERT … ON CONFLICT … DO UPDATE … WHERE
 * (…) IS DISTINCT FROM (…)` per chunk, so an unchanged row is neither rewritten nor given a
 * new `updatedAt` (nor fires the league NOTIFY trigger). It tells which rows were created,
 * which updated and how many were left alone, so a job can count them and invalidate the
 * cache keys of exactly the changed ones.
 */

type Scalar = string | number | boolean | Date | null;

/** A row of plain column values, as the league-data mappers make them. */
export type ColumnValues<Row> = { [K in keyof Row]: Scalar };

export interface UpsertSpec<Row> {
  /** The table as Prisma names it, e.g. `PlayerEventStats`. */
  table: string;
  /** Its primary key columns. */
  key: readonly (keyof Row & string)[];
  /** Columns written but not compared: a change of only these is no change (e.g. a fetch time). */
  ignoreForChange?: readonly (keyof Row & string)[];
  /**
   * When a row whose compared columns are all the same is rewritten all the same (and counted
   * updated): a condition on the stored row (named by the table) and the new one (`EXCLUDED`).
   */
  rewriteWhen?: Prisma.Sql;
}

export interface UpsertOutcome<Row> {
  created: Row[];
  updated: Row[];
  unchanged: number;
}

/** Anything that runs raw SQL: the client or a transaction's. */
export type SqlRunner = Pick<Prisma.TransactionClient, '$queryRaw'>;

/** Keeps each statement well under PostgreSQL's 65 535 parameters. */
const rowsPerStatement = 1_000;

const identifier = (name: string) => Prisma.raw(`"${name.replace(/"/g, '""')}"`);
/** `updatedAt` is TIMESTAMP without zone holding UTC, as Prisma writes it. */
const utcNow = Prisma.raw(`(now() AT TIME ZONE 'UTC')`);

/**
 * Upserts `rows` (each with every column to write, as the mappers of lib/league/league-data.ts
 * give them; `updatedAt` is set here) and reports what changed. Rows repeating a key keep
 * the last one.
 */
export async function upsertChanged<Row extends ColumnValues<Row>>(
  sql: SqlRunner,
  spec: UpsertSpec<Row>,
  rows: readonly Row[],
): Promise<UpsertOutcome<Row>> {
  const outcome: UpsertOutcome<Row> = { created: [], updated: [], unchanged: 0 };
  const keyOf = (values: readonly unknown[]) => values.map(String).join('\u0000');
  const byKey = new Map(rows.map((row) => [keyOf(spec.key.map((column) => row[column])), row]));
  if (byKey.size === 0) return outcome;
  const unique = [...byKey.values()];

  const columns = Object.keys(unique[0]!) as (keyof Row & string)[];
  const keyColumns = new Set<string>(spec.key);
  const updated = columns.filter((column) => !keyColumns.has(column));
  const ignored = new Set<string>(spec.ignoreForChange ?? []);
  const compared = updated.filter((column) => !ignored.has(column));
  if (updated.length === 0 || compared.length === 0) throw new Error(`upsertChanged(${spec.table}): no columns to compare beside the key`);
  const table = identifier(spec.table);

  for (let start = 0; start < unique.length; start += rowsPerStatement) {
    const chunk = unique.slice(start, start + rowsPerStatement);
    const returned = await sql.$queryRaw<Record<string, unknown>[]>`
      INSERT INTO ${table} (${Prisma.join(columns.map(identifier))}, "updatedAt")
      VALUES ${Prisma.join(chunk.map((row) => Prisma.sql`(${Prisma.join(columns.map((column) => row[column]))}, ${utcNow})`))}
      ON CONFLICT (${Prisma.join(spec.key.map(identifier))}) DO UPDATE SET
        ${Prisma.join(updated.map((column) => Prisma.sql`${identifier(column)} = EXCLUDED.${identifier(column)}`))},
        "updatedAt" = ${utcNow}
      WHERE ROW(${Prisma.join(compared.map((column) => Prisma.sql`${table}.${identifier(column)}`))})
        IS DISTINCT FROM ROW(${Prisma.join(compared.map((column) => Prisma.sql`EXCLUDED.${identifier(column)}`))})
        ${spec.rewriteWhen ? Prisma.sql`OR (${spec.rewriteWhen})` : Prisma.empty}
      RETURNING ${Prisma.join(spec.key.map(identifier))}, (xmax = 0) AS "__created"`;
    for (const record of returned) {
      const row = byKey.get(keyOf(spec.key.map((column) => record[column])))!;
      (record.__created ? outcome.created : outcome.updated).push(row);
    }
    outcome.unchanged += chunk.length - returned.length;
  }
  return outcome;
}
