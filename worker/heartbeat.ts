import { hostname } from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Db } from '@/lib/db.ts';
import { logger } from '@/lib/logger.ts';
import type { Runner } from './runner.ts';

/** How often the event-loop monitor samples, in ms. */
const lagResolutionMs = 20;

/**
 * Reports this worker's liveness and load every `intervalMs`: active runs, CPU over the
 * interval, resident memory, and the event loop's lag (its 99th percentile over the interval,
 * so one long garbage collection does not count but a loop blocked again and again does).
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private lastCpu = process.cpuUsage();
  private lastAt = Date.now();
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: lagResolutionMs });

  constructor(
    private readonly db: Db,
    private readonly runner: Runner,
    private readonly intervalMs = 5_000,
  ) {}

  async start(): Promise<void> {
    this.loopDelay.enable();
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.loopDelay.disable();
    await this.db.workerHeartbeat
      .update({ where: { id: this.runner.workerId }, data: { stoppedAt: new Date(), activeRuns: 0, lastSeenAt: new Date() } })
      .catch(() => {});
  }

  /** The loop's lag since the last beat in ms. The monitor's samples are the time between its timer's callbacks, so its own period is taken off. */
  private eventLoopLagMs(): number {
    const p99 = this.loopDelay.count > 0 ? this.loopDelay.percentile(99) / 1e6 : lagResolutionMs;
    this.loopDelay.reset();
    return Math.round(Math.max(0, p99 - lagResolutionMs) * 10) / 10;
  }

  private async beat(): Promise<void> {
    const cpu = process.cpuUsage(this.lastCpu);
    const elapsedMs = Math.max(1, Date.now() - this.lastAt);
    this.lastCpu = process.cpuUsage();
    this.lastAt = Date.now();
    const facts = {
      host: hostname(),
      pid: process.pid,
      concurrency: this.runner.concurrency(),
      activeRuns: this.runner.activeRuns,
      cpuPercent: Math.round(((cpu.user + cpu.system) / 1_000 / elapsedMs) * 1_000) / 10,
      rssBytes: BigInt(process.memoryUsage.rss()),
      eventLoopLagMs: this.eventLoopLagMs(),
      lastSeenAt: new Date(),
    };
    try {
      await this.db.workerHeartbeat.upsert({
        where: { id: this.runner.workerId },
        create: { id: this.runner.workerId, ...facts },
        update: { ...facts, stoppedAt: null },
      });
    } catch (error) {
      logger.warn({ err: error }, 'heartbeat not recorded');
    }
  }
}
