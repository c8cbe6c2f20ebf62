import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { run } from './labelled-process.ts';

const root = new URL('../..', import.meta.url).pathname;
const inputs = ['app', 'components', 'lib', 'public', 'proxy.ts', 'next.config.mjs', 'postcss.config.mjs', 'tsconfig.json', 'package-lock.json', 'prisma/schema.prisma'];
const stampFile = join(root, '.next', 'kickoff-build-hash');

function* files(path: string): Generator<string> {
  if (!existsSync(path)) return;
  if (statSync(path).isFile()) {
    yield path;
    return;
  }
  for (const entry of readdirSync(path).sort()) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    yield* files(join(path, entry));
  }
}

/** A hash of everything the production build is made from. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  for (const input of inputs) {
    for (const file of files(join(root, input))) {
      if (/\.test\.tsx?$/.test(file)) continue;
      hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex');
}

/** Builds the web app unless the last build was made from the same sources. */
export async function ensureBuilt(): Promise<'built' | 'up to date'> {
  const hash = sourceHash();
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash && existsSync(join(root, '.next', 'BUILD_ID'))) return 'up to date';
  const env: Record<string, string | undefined> = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  delete env.NODE_ENV; // next build sets its own
  await run('build', join(root, 'node_modules', '.bin', 'next'), ['build'], { cwd: root, env: env as NodeJS.ProcessEnv });
  writeFileSync(stampFile, hash);
  return 'built';
}
