import { db, Prisma } from '../db.ts';
import type { StatsStep } from '../jobs/definitions/league/stats-update.ts';

/**
 * Rebuilds one stats step's table in a transaction of its own; resolves to the rows written.
 * Shared by the worker's stats-update handler and the web process's fallback (Redis away).
 */
export async function rebuildStatsStep(step: StatsStep, timeoutMs: number): Promise<number> {
  return db().$transaction(
    async (tx) => {
      // PostgreSQL ends a runaway step itself, even after this run has been given up on.
      await tx.$executeRaw`SELECT set_config('statement_timeout', ${String(timeoutMs)}, true)`;
      const [row] = await tx.$queryRaw<{ rows: number }[]>`SELECT ${Prisma.raw(step.sqlFunction)}() AS rows`;
      return Number(row?.rows ?? 0);
    },
    // Prisma's defaults (2 s to get a connection, 5 s for the whole transaction) are far too short here.
    { maxWait: 30_000, timeout: timeoutMs },
  );
}
