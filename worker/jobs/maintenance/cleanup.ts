import { cleanupJob } from '@/lib/jobs/definitions/cleanup.ts';
import { db } from '@/lib/db.ts';
import { deleteFinishedBefore } from '@/lib/runs/run-store.ts';
import { readSettings } from '@/lib/settings.ts';
import { defineHandler } from '../../define-handler.ts';

export const cleanupHandler = defineHandler(cleanupJob, async (ctx) => {
  const sessions = await ctx.phase('sessions', async () => {
    const cutoff = new Date(Date.now() - ctx.config.sessionMaxAgeMinutes * 60_000);
    return (await db().session.deleteMany({ where: { expiresAt: { lt: cutoff } } })).count;
  });
  ctx.count('sessionsDeleted', sessions);
  ctx.progress(20);

  const retentionDays = (await readSettings(db(), true))['runs.retentionDays'];
  const runs = await ctx.phase('runs', async () => {
    const cutoff = new Date(Date.now() - retentionDays * 86_400_000);
    let deleted = 0;
    for (;;) {
      ctx.signal.throwIfAborted();
      const removed = await deleteFinishedBefore(cutoff, ctx.config.deleteBatchSize);
      deleted += removed;
      ctx.count('runsDeleted', removed);
      if (removed < ctx.config.deleteBatchSize) return deleted;
    }
  });

  const heartbeats = await ctx.phase('workers', async () => {
    const cutoff = new Date(Date.now() - 7 * 86_400_000);
    return (await db().workerHeartbeat.deleteMany({ where: { lastSeenAt: { lt: cutoff } } })).count;
  });

  // x402's leaderboard archiving: a finished tournament's standings, once its last gameweek is
  // long past, move to the archive table in one statement (kept, out of the live table's way).
  const standingsArchived = await ctx.phase('archive', async () => {
    const cutoff = new Date(Date.now() - ctx.config.standingsArchiveAgeDays * 86_400_000);
    return db().$executeRaw`
      WITH ended AS (
        SELECT t.id FROM "Tournament" t JOIN "Event" e ON e.id = t."endEvent"
        WHERE t.status <> 'active' AND e."deadlineTime" < ${cutoff}
      ), moved AS (
        DELETE FROM "TournamentStanding" s USING ended WHERE s."tournamentId" = ended.id
        RETURNING s."tournamentId", s."entryId", s.rank, s.points, s.played, s.won, s.drawn, s.lost, s.eliminated, s."updatedAt"
      )
      INSERT INTO "TournamentStandingArchive" ("tournamentId", "entryId", rank, points, played, won, drawn, lost, eliminated, "updatedAt")
      SELECT * FROM moved
      ON CONFLICT ("tournamentId", "entryId") DO UPDATE SET rank = EXCLUDED.rank, points = EXCLUDED.points, played = EXCLUDED.played,
        won = EXCLUDED.won, drawn = EXCLUDED.drawn, lost = EXCLUDED.lost, eliminated = EXCLUDED.eliminated, "updatedAt" = EXCLUDED."updatedAt", "archivedAt" = now()`;
  });
  ctx.count('standingsArchived', standingsArchived);

  // Rows nothing points at any more.
  const orphans = await ctx.phase('orphans', async () => {
    const cutoff = new Date(Date.now() - retentionDays * 86_400_000);
    const alerts = await db().$executeRaw`
      DELETE FROM "Alert" a WHERE a."lastAt" < ${cutoff}
        AND (a.status = 'resolved' OR NOT EXISTS (SELECT 1 FROM "AlertRule" r WHERE r.id = a."ruleId"))`;
    const templates = await db().$executeRaw`
      DELETE FROM "PayloadTemplate" t WHERE NOT EXISTS (SELECT 1 FROM "JobDefinition" d WHERE d.name = t."jobName" AND d."inCatalog")`;
    // League entries seen once on a standings page and since left behind: untracked, in no league, with no history.
    const entries = await db().$executeRaw`
      DELETE FROM "Entry" e WHERE NOT e.tracked
        AND NOT EXISTS (SELECT 1 FROM "LeagueStanding" s WHERE s."entryId" = e.id)
        AND NOT EXISTS (SELECT 1 FROM "EntryEventHistory" h WHERE h."entryId" = e.id)
        AND NOT EXISTS (SELECT 1 FROM "TournamentStanding" t WHERE t."entryId" = e.id)
        AND NOT EXISTS (SELECT 1 FROM "TournamentStandingArchive" t WHERE t."entryId" = e.id)
        AND NOT EXISTS (SELECT 1 FROM "TournamentResult" r WHERE e.id IN (r."homeEntryId", r."awayEntryId", r."winnerEntryId"))`;
    ctx.count('orphansDeleted', alerts + templates + entries);
    return { alerts, payloadTemplates: templates, entries };
  });
  ctx.progress(100);
  const orphanCount = orphans.alerts + orphans.payloadTemplates + orphans.entries;
  return { processed: sessions + runs + heartbeats + standingsArchived + orphanCount, deleted: { sessions, runs, workerHeartbeats: heartbeats, orphans }, standingsArchived, retentionDays, errors: 0 };
});
