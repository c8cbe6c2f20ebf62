import { env, envSchema } from './env.ts';
import { NotFoundError } from './errors.ts';

/** The job packs Kickoff can run besides its own jobs (KICKOFF_PACKS). */
export type PackName = 'league';

/** Whether a pack is on (KICKOFF_PACKS; default `league`). */
export function isPackEnabled(pack: PackName): boolean {
  // Read on its own rather than through env(): the catalog asks at import time, and env()
  // would freeze every other variable then (a test file sets QUEUE_PREFIX after its imports).
  const packs = envSchema.shape.KICKOFF_PACKS.safeParse(process.env.KICKOFF_PACKS);
  return (packs.success ? packs.data : env().KICKOFF_PACKS).includes(pack);
}

/** For a pack's routes: answers 404 (as an unknown route does) while the pack is off. */
export function assertPackEnabled(pack: PackName, path: string): void {
  if (!isPackEnabled(pack)) throw new NotFoundError('Route', path);
}
