import { RunAbortedError } from './run-context.ts';

/**
 * Runs a handler until it settles, its timeout passes or its signal is aborted (a cancel),
 * whichever comes first: a handler that ignores its signal still ends on time (its promise is
 * left to settle on its own).
 */
export async function runWithDeadline<T>(run: (signal: AbortSignal) => Promise<T>, controller: AbortController, timeoutMs: number): Promise<T> {
  const timeout = setTimeout(() => controller.abort(new RunAbortedError('timeout', `Timed out after ${timeoutMs} ms`)), timeoutMs);
  const aborted = new Promise<never>((_, reject) => {
    if (controller.signal.aborted) reject(controller.signal.reason);
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  aborted.catch(() => {}); // only the race reads it
  try {
    return await Promise.race([run(controller.signal), aborted]);
  } finally {
    clearTimeout(timeout);
  }
}
