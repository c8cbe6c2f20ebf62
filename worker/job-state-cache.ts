import type { Db } from '@/lib/db.ts';
import type { JobDefinition } from '@/lib/jobs/define-job.ts';
import { logger } from '@/lib/logger.ts';

/** What people change at run time that a worker needs before a run starts. */
export interface JobState {
  /** Validated with the job's config schema (a stored config that no longer fits reads as the defaults). */
  config: unknown;
  enabled: boolean;
  pausedUntil: Date | null;
}

/** Runs start often and edits are rare: a job's row is read at most this often per worker. */
const freshForMs = 1_000;

/**
 * A job's run-time state (config, enabled, paused until), read from PostgreSQL at most once a
 * second per job. While PostgreSQL is away, runs go on with the state last read (or the
 * definition's defaults).
 */
export class JobStateCache {
  private readonly entries = new Map<string, { at: number; value: JobState }>();

  constructor(private readonly db: Db) {}

  async get(definition: JobDefinition): Promise<JobState> {
    const cached = this.entries.get(definition.name);
    if (cached && Date.now() - cached.at < freshForMs) return cached.value;
    try {
      const row = await this.db.jobDefinition.findUnique({ where: { name: definition.name }, select: { config: true, enabled: true, pausedUntil: true } });
      const parsed = definition.config.safeParse(row?.config ?? {});
      const value: JobState = {
        config: parsed.success ? parsed.data : definition.config.parse({}),
        enabled: row?.enabled ?? true,
        pausedUntil: row?.pausedUntil ?? null,
      };
      this.entries.set(definition.name, { at: Date.now(), value });
      return value;
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message.split('\n').at(-1) : String(error), job: definition.name }, 'job state not readable; using the last known');
      return cached?.value ?? { config: definition.config.parse({}), enabled: true, pausedUntil: null };
    }
  }
}
