import { cleanupJob } from '@/lib/jobs/definitions/cleanup.ts';
import { db } from '@/lib/db.ts';
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
      // Batches by id, oldest first; events go with their runs (ON DELETE CASCADE).
      const removed = await db().$executeRaw`
        DELETE FROM "JobRun" WHERE id IN (
          SELECT id FROM "JobRun" WHERE "queuedAt" < ${cutoff}
            AND status IN ('completed', 'failed', 'cancelled', 'skipped')
          ORDER BY "queuedAt" LIMIT ${ctx.config.deleteBatchSize})`;
      deleted += removed;
      ctx.count('runsDeleted', removed);
      if (removed < ctx.config.deleteBatchSize) return deleted;
    }
  });

  const heartbeats = await ctx.phase('workers', async () => {
    const cutoff = new Date(Date.now() - 7 * 86_400_000);
    return (await db().workerHeartbeat.deleteMany({ where: { lastSeenAt: { lt: cutoff } } })).count;
  });
  ctx.progress(100);
  return { processed: sessions + runs + heartbeats, deleted: { sessions, runs, workerHeartbeats: heartbeats }, retentionDays, errors: 0 };
});
