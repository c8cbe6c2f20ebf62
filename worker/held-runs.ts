import type { Redis } from 'ioredis';
import type { Db } from '@/lib/db.ts';
import { isCategory } from '@/lib/jobs/categories.ts';
import { logger } from '@/lib/logger.ts';
import type { QueueSet } from '@/lib/queue/queues.ts';
import { kickoffKeys } from '@/lib/redis-keys.ts';
import { readSettings } from '@/lib/settings.ts';

/**
 * Starts the runs the gate held back while Kickoff was paused as soon as it resumes (they would
 * start anyway when their hold passes, up to 30 s later). Watches the setting every second, so
 * a resume by any path (Settings, the API, a direct write) is seen; every worker may promote,
 * and promoting a run another worker already started is a no-op.
 */
export class HeldRunPromoter {
  private timer: NodeJS.Timeout | undefined;
  private wasPaused: boolean | undefined;

  constructor(private readonly options: { db: Db; redis: Redis; queues: QueueSet; intervalMs?: number }) {}

  start(): void {
    this.timer = setInterval(() => void this.check().catch((error: unknown) => logger.warn({ err: error }, 'held runs not promoted')), this.options.intervalMs ?? 1_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async check(): Promise<number> {
    const paused = (await readSettings(this.options.db))['engine.paused'];
    const resumed = this.wasPaused !== false && !paused;
    this.wasPaused = paused;
    return resumed ? this.promoteAll() : 0;
  }

  async promoteAll(): Promise<number> {
    const key = kickoffKeys.heldRuns(this.options.queues.prefix);
    let promoted = 0;
    for (;;) {
      const members = await this.options.redis.spop(key, 500);
      if (members.length === 0) break;
      for (const member of members) {
        const [category, runId] = member.split('/');
        if (!category || !runId || !isCategory(category)) continue;
        const job = await this.options.queues.for(category).getJob(runId);
        if (job && (await job.isDelayed())) promoted += await job.promote().then(() => 1, () => 0);
      }
    }
    if (promoted > 0) logger.info({ promoted }, 'Kickoff resumed: held runs start now');
    return promoted;
  }
}
