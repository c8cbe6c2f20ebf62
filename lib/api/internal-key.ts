import { createHash, timingSafeEqual } from 'node:crypto';
import { env, type Env } from '../env.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';
import { authenticate } from './with-auth.ts';

/**
 * How Kickoff's own processes call the web app's internal routes (the worker asking the app
 * to revalidate its Next.js cache tags): a shared key in a header. The key is
 * INTERNAL_API_KEY, or else derived from SESSION_SECRET, so a web app and a worker started
 * with the same environment agree on it without more configuration.
 */
export const internalKeyHeader = 'x-kickoff-internal-key';

export function internalApiKey(settings: Env = env()): string {
  return settings.INTERNAL_API_KEY ?? createHash('sha256').update(`kickoff-internal:${settings.SESSION_SECRET}`).digest('hex');
}

/** Where the worker reaches the web app: PUBLIC_URL, else the app's port on this machine. */
export function internalApiBase(settings: Env = env()): string {
  return (settings.PUBLIC_URL ?? `http://127.0.0.1:${settings.PORT}`).replace(/\/+$/, '');
}

/** Whether `given` is the internal key, compared in constant time (both sides hashed to one length first). */
export function isInternalKey(given: string | null, settings: Env = env()): boolean {
  if (!given) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(internalApiKey(settings)));
}

/**
 * Lets only callers with the internal key through. A signed-in person or an API key without
 * it is known but not allowed here (403); anyone else is not authenticated (401).
 */
export async function assertInternalCaller(request: Request): Promise<void> {
  if (isInternalKey(request.headers.get(internalKeyHeader))) return;
  const carriesCredentials = request.headers.has('authorization') || request.headers.has('cookie');
  const principal = carriesCredentials ? await authenticate(request).catch(() => null) : null;
  if (principal) throw new ForbiddenError('Only Kickoff’s own processes may call this route');
  throw new UnauthorizedError(`Send the internal key in the ${internalKeyHeader} header`);
}
