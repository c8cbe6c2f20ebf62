import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { logger } from '@/lib/logger.ts';
import { isLaterAttempt } from '@/lib/queue/run-job-data.ts';
import { kickoffKeys } from '@/lib/redis-keys.ts';
import type { ControlMessage } from '@/lib/runs/cancel-run.ts';

/** How long a cancel heard over pub/sub is remembered for a run this worker is about to start. */
const rememberMs = 60_000;

/**
 * The worker's side of cancel: listens on the control channel and aborts the run if this
 * worker holds it; remembers the cancel a while for a run it is about to start; and answers
 * whether a run coming back (after a stall or a retry) was cancelled meanwhile, from the mark
 * `cancelRun` leaves in Redis.
 */
export class CancelChannel {
  private readonly recent = new Map<string, number>();
  private subscriber: Redis | undefined;

  constructor(
    private readonly connect: () => Redis,
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Aborts a run this worker holds; false when it holds no such run. */
    private readonly abort: (runId: string) => boolean,
  ) {}

  async start(): Promise<void> {
    this.subscriber = this.connect();
    this.subscriber.on('message', (_channel: string, raw: string) => {
      try {
        const message = JSON.parse(raw) as ControlMessage;
        if (message.type !== 'cancel') return;
        this.recent.set(message.runId, Date.now());
        if (this.abort(message.runId)) logger.info({ runId: message.runId }, 'run cancelled');
      } catch {
        logger.warn({ raw }, 'unreadable control message');
      }
    });
    await this.subscriber.subscribe(kickoffKeys.controlChannel(this.prefix));
  }

  stop(): void {
    this.subscriber?.disconnect();
  }

  /**
   * A cancel heard over pub/sub covers a run that became active as it was cancelled; the Redis
   * mark covers a run coming back after a stall or a retry, when this worker may not have been
   * listening. Only those pay the extra round trip.
   */
  async wasCancelled(job: Job): Promise<boolean> {
    const now = Date.now();
    for (const [runId, at] of this.recent) if (now - at > rememberMs) this.recent.delete(runId);
    if (this.recent.has(job.id!)) return true;
    if (!isLaterAttempt(job)) return false;
    return (await this.redis.exists(kickoffKeys.cancelled(this.prefix, job.id!))) === 1;
  }
}
