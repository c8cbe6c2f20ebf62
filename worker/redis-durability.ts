import type { Redis } from 'ioredis';

/**
 * What the worker says at start about how Redis keeps its data. The queues live in Redis: a
 * Redis that keeps nothing on disk forgets every queued run when it restarts, and one that
 * evicts keys under memory pressure drops jobs silently. The reconciler puts unfinished runs
 * back from PostgreSQL, but schedules' pending fires, locks and limits are Redis's alone.
 * Plain words, one line each; nothing when all is well, and nothing when Redis refuses CONFIG
 * (managed services often do, and then the operator's provider settings are what count).
 */
export async function redisDurabilityWarnings(redis: Redis): Promise<string[]> {
  let settings: Record<string, string>;
  try {
    settings = {};
    for (const name of ['save', 'appendonly', 'maxmemory-policy']) {
      const reply = (await redis.config('GET', name)) as string[];
      for (let index = 0; index + 1 < reply.length; index += 2) settings[reply[index]!] = reply[index + 1]!;
    }
  } catch {
    return [];
  }
  const warnings: string[] = [];
  const aof = settings.appendonly === 'yes';
  const snapshots = (settings.save ?? '').trim() !== '';
  if (settings.appendonly !== undefined && !aof && !snapshots) {
    warnings.push('Redis keeps no data on disk (no append-only file, no snapshots): if it restarts, it forgets the queues (Kickoff puts unfinished runs back from PostgreSQL, but scheduled fires due meanwhile, locks and limits are lost). Turn on appendonly yes (see README, Running Redis for Kickoff).');
  } else if (settings.appendonly !== undefined && !aof) {
    warnings.push('Redis keeps only periodic snapshots (appendonly no): if it restarts, it goes back to the last snapshot (runs queued since are put back from PostgreSQL, but runs finished since may run again). Turn on appendonly yes (see README, Running Redis for Kickoff).');
  }
  const policy = settings['maxmemory-policy'];
  if (policy !== undefined && policy !== 'noeviction') {
    warnings.push(`Redis may evict keys when memory runs short (maxmemory-policy ${policy}): queued jobs and locks can disappear. Set maxmemory-policy noeviction (see README, Running Redis for Kickoff).`);
  }
  return warnings;
}
