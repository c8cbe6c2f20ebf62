import { hostname } from 'node:os';
import type { Db } from '@/lib/db.ts';
import { logger } from '@/lib/logger.ts';
import type { Runner } from './runner.ts';

/** Reports this worker's liveness and load every `intervalMs`. */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private lastCpu = process.cpuUsage();
  private lastAt = Date.now();

  constructor(
    private readonly db: Db,
    private readonly runner: Runner,
    private readonly intervalMs = 5_000,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.db.workerHeartbeat
      .update({ where: { id: this.runner.workerId }, data: { stoppedAt: new Date(), activeRuns: 0, lastSeenAt: new Date() } })
      .catch(() => {});
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
