/**
 * `npm start` (and `npm run dev` with --dev): checks PostgreSQL and Redis, generates the
 * Prisma client, applies migrations, creates the bootstrap admin, builds the web app when
 * its sources changed, then runs the web app, the worker and (unless UPSTREAM_URL is set) the
 * league data simulator together until Ctrl-C.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { envOrExit } from '../lib/env.ts';
import { ensureBuilt } from './lib/build.ts';
import { exited, startLabelled, stopChild } from './lib/labelled-process.ts';
import { checkPorts, portMessage, simulatorPortClaim, webPortClaim } from './lib/port-check.ts';
import { preflight } from './lib/preflight.ts';
import { applyMigrations, ensureDatabase, generateClient } from './lib/prisma-engine.ts';

const root = new URL('..', import.meta.url).pathname;
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const dev = process.argv.includes('--dev');

function cannotStart(problems: string[]): never {
  console.error(`Kickoff cannot start:\n  - ${problems.join('\n  - ')}`);
  process.exit(1);
}

async function main(): Promise<void> {
  const settings = envOrExit();
  const webPort = webPortClaim(settings.PORT);
  // The simulator runs only when UPSTREAM_URL does not name another upstream.
  const ports = settings.UPSTREAM_URL || !settings.KICKOFF_PACKS.includes('league') ? [webPort] : [webPort, simulatorPortClaim(settings.UPSTREAM_PORT)];
  // Ports first: a second `npm start` then stops before it migrates or builds anything.
  const problems = [...(await checkPorts(ports)), ...(await preflight(settings))];
  if (problems.length > 0) cannotStart(problems);

  await generateClient();
  await ensureDatabase(settings.DATABASE_URL);
  await applyMigrations(settings.DATABASE_URL);

  const { db } = await import('../lib/db.ts');
  const { bootstrapAccess } = await import('../lib/auth/bootstrap.ts');
  const access = await bootstrapAccess(db(), settings);
  await db().$disconnect();
  if (access.generatedPassword) {
    console.log(
      `\n  First admin created: ${settings.BOOTSTRAP_ADMIN_EMAIL}\n  Password (shown once, write it down): ${access.generatedPassword}\n` +
        `  Set BOOTSTRAP_ADMIN_PASSWORD to choose it yourself.\n`,
    );
  }

  if (!dev) console.log(`web app: ${await ensureBuilt()}`);
  // Again, since a build takes minutes; a port taken in the last instant still fails in its
  // child, which then says so (the simulator itself, the web app through the watcher below).
  const portsNow = await checkPorts(ports);
  if (portsNow.length > 0) cannotStart(portsNow);

  const childEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', PORT: String(settings.PORT) };
  const labels = ['web', 'worker'];
  // A raw EADDRINUSE (a port taken between the check above and the listen) is noticed here and said plainly on its exit.
  let webPortTaken = false;
  const children: ChildProcess[] = [
    // Kickoff's own server in front of Next's handler: the TCP peer for TRUSTED_PROXIES, and compression.
    startLabelled('web', process.execPath, ['--import', 'tsx', 'scripts/web-server.ts', ...(dev ? ['--dev'] : [])], { cwd: root, env: { ...childEnv, KICKOFF_SERVICE: 'web' } }, (line) => {
      if (line.includes('EADDRINUSE')) webPortTaken = true;
    }),
    // `node --import tsx`, not the tsx CLI, so signals reach the worker itself.
    startLabelled('worker', dev ? bin('tsx') : process.execPath, dev ? ['watch', '--clear-screen=false', 'worker/main.ts'] : ['--import', 'tsx', 'worker/main.ts'], {
      cwd: root,
      env: { ...childEnv, KICKOFF_SERVICE: 'worker' },
    }),
  ];
  if (!settings.UPSTREAM_URL && settings.KICKOFF_PACKS.includes('league')) {
    // The built-in league data simulator, unless UPSTREAM_URL points at a real upstream.
    labels.push('upstream');
    children.push(startLabelled('upstream', process.execPath, ['--import', 'tsx', 'scripts/upstream/server.ts'], { cwd: root, env: { ...childEnv, UPSTREAM_PORT: String(settings.UPSTREAM_PORT), UPSTREAM_SPEED: String(settings.UPSTREAM_SPEED), UPSTREAM_PACE: settings.UPSTREAM_PACE } }));
  }
  console.log(`Kickoff is starting on http://localhost:${settings.PORT} (sign in as ${settings.BOOTSTRAP_ADMIN_EMAIL}); Ctrl-C stops it.`);

  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(children.map((child) => stopChild(child)));
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  // One process ending on its own takes the others down with it, so nothing runs half-started.
  const ended = await Promise.race(children.map((child, index) => exited(child).then((code) => ({ label: labels[index], code }))));
  if (!stopping) {
    if (ended.label === 'web' && webPortTaken) console.error(portMessage(webPort));
    console.error(`${ended.label} exited with code ${ended.code}; stopping Kickoff`);
    await stopAll(ended.code === 0 ? 1 : ended.code);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
