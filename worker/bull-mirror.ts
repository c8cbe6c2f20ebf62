import type { Job } from 'bullmq';
import { logger } from '@/lib/logger.ts';

/** Lines a run may mirror per flush; more are summed up in one line (PostgreSQL keeps them all). */
const maxLinesPerFlush = 100;

/**
 * Mirrors what a run reports (progress, log lines, phases) onto its BullMQ job, so other
 * BullMQ dashboards on the same Redis (bull-board, Taskforce) show what Kickoff shows. Batched
 * per run every `flushMs`: a run that reports nothing costs nothing, and one that reports often
 * costs one Redis round trip per flush, not per call. Best effort: Redis refusing is logged.
 */
export class BullMirror {
  private readonly pending = new Map<string, { job: Job; progress?: number; lines: string[] }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly flushMs = 250) {}

  progress(job: Job, percent: number): void {
    this.entry(job).progress = Math.max(0, Math.min(100, Math.round(percent)));
    this.schedule();
  }

  log(job: Job, line: string): void {
    this.entry(job).lines.push(line);
    this.schedule();
  }

  /** Writes what a finished run has pending now (its last lines, and 100 % when it completed having reported progress). */
  async finish(job: Job, completed: boolean): Promise<void> {
    const entry = this.pending.get(job.id!);
    if (!entry) return;
    if (completed && entry.progress !== undefined) entry.progress = 100;
    this.pending.delete(job.id!);
    await write(entry);
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    await this.flush();
  }

  private entry(job: Job) {
    let entry = this.pending.get(job.id!);
    if (!entry) this.pending.set(job.id!, (entry = { job, lines: [] }));
    return entry;
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushMs);
  }

  private async flush(): Promise<void> {
    const entries = [...this.pending.values()];
    this.pending.clear();
    await Promise.all(entries.map(write));
  }
}

async function write(entry: { job: Job; progress?: number; lines: string[] }): Promise<void> {
  const { job, progress, lines } = entry;
  try {
    const shown = lines.length > maxLinesPerFlush ? [...lines.slice(0, maxLinesPerFlush), `… ${lines.length - maxLinesPerFlush} more lines on the run's page in Kickoff`] : lines;
    await Promise.all([progress === undefined ? null : job.updateProgress(progress), ...shown.map((line) => job.log(line))]);
  } catch (error) {
    logger.debug({ err: error instanceof Error ? error.message : String(error), runId: job.id }, 'could not mirror progress to the BullMQ job');
  }
}
