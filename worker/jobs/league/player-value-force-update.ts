import { db, Prisma } from '@/lib/db.ts';
import { playerValueForceUpdateJob } from '@/lib/jobs/definitions/league/player-value-force-update.ts';
import { defineHandler } from '../../define-handler.ts';
import { invalidateChanged, withLeagueRun } from './league-run.ts';
import { assertConsistent } from './sync-tables.ts';

/**
 * Handler of player-value-force-update (lib/jobs/definitions/league/player-value-force-update.ts):
 * bootstrap-static's prices against the Player table, in one transaction that locks the rows it
 * compares, so two runs at once write each change once and both report the truth.
 */

export interface PriceChange {
  id: number;
  webName: string;
  /** Tenths of a million, as stored (55 = 5.5m). */
  from: number;
  to: number;
}

export interface PlayerValueResult {
  /** Players in the upstream's answer. */
  players: number;
  /** Prices written. */
  changed: number;
  risers: number;
  fallers: number;
  /** Players the Player table does not know yet (bootstrap-meta adds them). */
  unknownPlayers: number;
  /** The first 20 changes, biggest first. */
  changes: PriceChange[];
  invalidated: number;
}

export const playerValueForceUpdateHandler = defineHandler(playerValueForceUpdateJob, (ctx) =>
  withLeagueRun(ctx, async (upstream, cache): Promise<PlayerValueResult> => {
    const bootstrap = await ctx.phase('fetch', () => upstream.bootstrapStatic({ signal: ctx.signal }));
    await ctx.phase('validate', async () => assertConsistent(bootstrap));
    ctx.progress(40);
    const prices = new Map(bootstrap.elements.map((element) => [element.id, element.now_cost]));
    const { changes, known } = await ctx.phase('write', () =>
      db().$transaction(async (tx) => {
        const stored = await tx.$queryRaw<{ id: number; webName: string; nowCost: number }[]>`
          SELECT id, "webName", "nowCost" FROM "Player"
          WHERE id IN (SELECT value::int FROM jsonb_array_elements_text(${JSON.stringify([...prices.keys()])}::jsonb))
          ORDER BY id FOR UPDATE`;
        const changed: PriceChange[] = stored.filter((row) => prices.get(row.id) !== row.nowCost).map((row) => ({ id: row.id, webName: row.webName, from: row.nowCost, to: prices.get(row.id)! }));
        if (changed.length > 0) {
          await tx.$executeRaw`
            UPDATE "Player" p SET "nowCost" = v."nowCost", "updatedAt" = ${Prisma.sql`(now() AT TIME ZONE 'UTC')`}
            FROM jsonb_to_recordset(${JSON.stringify(changed.map((change) => ({ id: change.id, nowCost: change.to })))}::jsonb) AS v(id int, "nowCost" int)
            WHERE p.id = v.id`;
        }
        return { changes: changed, known: stored.length };
      }),
    );
    ctx.progress(90);
    const unknownPlayers = prices.size - known;
    if (unknownPlayers > 0) ctx.log(`${unknownPlayers} players of bootstrap-static are not in the Player table yet; left for bootstrap-meta`);
    ctx.count('pricesChanged', changes.length);
    const invalidated = await invalidateChanged(ctx, cache, changes.length > 0 ? ['player:top', ...changes.map((change) => `player:${change.id}`)] : []);
    ctx.progress(100);
    return {
      players: prices.size,
      changed: changes.length,
      risers: changes.filter((change) => change.to > change.from).length,
      fallers: changes.filter((change) => change.to < change.from).length,
      unknownPlayers,
      changes: [...changes].sort((a, b) => Math.abs(b.to - b.from) - Math.abs(a.to - a.from) || a.id - b.id).slice(0, 20),
      invalidated,
    };
  }),
);
