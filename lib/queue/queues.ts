import { Queue, type DefaultJobOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Category } from '../jobs/categories.ts';
import { env } from '../env.ts';
import { redis } from '../redis.ts';
import { queueNameFor } from './names.ts';

/**
 * Finished jobs stay in Redis only long enough for the status pipeline to reconcile them:
 * PostgreSQL is the history.
 */
export const defaultJobOptions: DefaultJobOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 3_600, count: 1_000 },
  removeOnFail: { age: 24 * 3_600, count: 5_000 },
};

export interface QueueSetOptions {
  connection?: Redis;
  prefix?: string;
}

/** The producer side of every category's queue, created on first use. */
export class QueueSet {
  private readonly queues = new Map<Category, Queue>();
  constructor(private readonly options: QueueSetOptions = {}) {}

  get prefix(): string {
    return this.options.prefix ?? env().QUEUE_PREFIX;
  }

  for(category: Category): Queue {
    let queue = this.queues.get(category);
    if (!queue) {
      queue = new Queue(queueNameFor(category), {
        connection: this.options.connection ?? redis(),
        prefix: this.prefix,
        defaultJobOptions,
      });
      queue.on('error', () => {}); // connection errors surface on the calls that hit them
      this.queues.set(category, queue);
    }
    return queue;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }
}

const globalForQueues = globalThis as unknown as { kickoffQueues?: QueueSet };

/** The process's shared queues. The web app only ever holds queues, never a worker. */
export function queues(): QueueSet {
  globalForQueues.kickoffQueues ??= new QueueSet();
  return globalForQueues.kickoffQueues;
}
