import { inject } from 'vitest';

/**
 * Gives a test file a Redis prefix of its own (derived from the run's, so clean-up finds
 * it), so files running in parallel never take each other's jobs. Call at the top of the file.
 */
export function useOwnQueuePrefix(name: string): string {
  const prefix = inject('queuePrefix').replace(/\}$/, `-${name}}`);
  process.env.QUEUE_PREFIX = prefix;
  return prefix;
}
