/**
 * `npm start` when a port it needs is taken: it stops before it migrates, builds or starts
 * anything, names the port and the variable that moves it, and prints no stack.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runCommand } from './test/command-process.ts';
import { freePort } from './test/redis-server.ts';

const root = new URL('..', import.meta.url).pathname;
const held: Server[] = [];

/** Listens where the web app would (every interface) and keeps the port. */
async function occupy(host?: string): Promise<number> {
  const server = createServer();
  held.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as { port: number }).port;
}

afterEach(async () => {
  await Promise.all(held.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function start(env: Record<string, string | undefined>) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
  return runCommand(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: root, env: childEnv, timeoutMs: 30_000 });
}

function expectPlainRefusal(result: { code: number | null; stdout: string; stderr: string }) {
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('Kickoff cannot start:');
  // Refused up front: no build, no children, no raw error.
  expect(result.stdout).not.toContain('web app:');
  expect(result.stdout).not.toContain('Kickoff is starting');
  expect(result.stderr).not.toMatch(/EADDRINUSE|\n\s+at /);
}

describe('npm start with a port in use', () => {
  it('names PORT when the web app port is taken', async () => {
    const port = await occupy();
    const result = await start({ PORT: String(port), UPSTREAM_PORT: String(await freePort()), UPSTREAM_URL: undefined });
    expectPlainRefusal(result);
    expect(result.stderr).toContain(`port ${port} is already in use, so the web app cannot listen on it`);
    expect(result.stderr).toContain(`set PORT to a free port (e.g. PORT=${port + 1})`);
    expect(result.stderr).not.toContain('UPSTREAM_PORT');
  });

  it("names UPSTREAM_PORT when the simulator's port is taken, and not when UPSTREAM_URL replaces the simulator", async () => {
    const upstreamPort = await occupy('127.0.0.1');
    const webPort = await occupy();
    const result = await start({ PORT: String(webPort), UPSTREAM_PORT: String(upstreamPort), UPSTREAM_URL: undefined });
    expectPlainRefusal(result);
    // Both problems at once, so one fix round is enough.
    expect(result.stderr).toContain(`port ${webPort} is already in use, so the web app cannot listen on it`);
    expect(result.stderr).toContain(`port ${upstreamPort} is already in use, so the league simulator cannot listen on it`);
    expect(result.stderr).toContain('set UPSTREAM_PORT to a free port');
    expect(result.stderr).toContain('UPSTREAM_URL');

    const withUpstream = await start({ PORT: String(webPort), UPSTREAM_PORT: String(upstreamPort), UPSTREAM_URL: `http://127.0.0.1:${upstreamPort}` });
    expectPlainRefusal(withUpstream);
    expect(withUpstream.stderr).not.toContain('league simulator');
  });

  it('says so when PORT and UPSTREAM_PORT are the same', async () => {
    const port = await freePort();
    const result = await start({ PORT: String(port), UPSTREAM_PORT: String(port), UPSTREAM_URL: undefined });
    expectPlainRefusal(result);
    expect(result.stderr).toContain(`PORT and UPSTREAM_PORT are both ${port}`);
  });
});
