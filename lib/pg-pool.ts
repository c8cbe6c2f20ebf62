import pg from 'pg';

/** A plain `pg` pool, for the few hot paths where Prisma's per-query overhead shows. */
export function createPgPool(databaseUrl: string, max = 2): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5_000 });
  pool.on('error', () => {}); // an idle client's error: the next query reconnects
  return pool;
}
