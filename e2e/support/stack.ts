import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { exited, startLabelled, stopChild } from '../../scripts/lib/labelled-process.ts';
import { FakeSmtp } from '../../scripts/test/fake-smtp.ts';
import { FakeTelegram } from '../../scripts/test/fake-telegram.ts';
import { createUpstreamServer } from '../../scripts/upstream/server.ts';
import { createTestDatabase, createTestPrefix, dropTestResources } from '../../scripts/test/test-resources.ts';

export const e2ePort = Number(process.env.E2E_PORT ?? 3217);
export const e2eAdmin = { email: 'e2e-admin@kickoff.local', password: 'e2e-admin-password' };
export const e2eApiKey = 'kk_e2e_key_00000000000000000000';

const root = new URL('../..', import.meta.url).pathname;

export interface Stack {
  baseUrl: string;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/**
 * A database, a Redis prefix, the built web app and a worker, all of the test's own. The web
 * app listens on `port` (default E2E_PORT), so a vitest suite can run a stack beside Playwright's.
 */
export async function startStack({ port = e2ePort }: { port?: number } = {}): Promise<Stack> {
  const suffix = `e2e_${process.pid}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = await createTestDatabase(`kickoff_test_${suffix}`);
  const queuePrefix = createTestPrefix(suffix);
  const telegram = new FakeTelegram();
  await telegram.start();
  const smtp = new FakeSmtp();
  await smtp.start();
  // The league simulator with its clock stopped at a live gameweek; specs move it over /admin.
  const upstream = createUpstreamServer({ entries: 500, speed: 0 });
  const upstreamUrl = `http://127.0.0.1:${await upstream.listen(0)}`;
  await fetch(`${upstreamUrl}/admin/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ toEvent: 1, phase: 'live' }) });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: queuePrefix,
    PORT: String(port),
    BOOTSTRAP_ADMIN_EMAIL: e2eAdmin.email,
    BOOTSTRAP_ADMIN_PASSWORD: e2eAdmin.password,
    BOOTSTRAP_API_KEY: e2eApiKey,
    NEXT_TELEMETRY_DISABLED: '1',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    TELEGRAM_BOT_TOKEN: '123:E2E',
    TELEGRAM_API_ROOT: telegram.apiRoot,
    SMTP_URL: smtp.url('kickoff'),
    SMTP_FROM: 'Kickoff <alerts@kickoff.test>',
    // Not Kickoff's: where specs read what the mail server received.
    E2E_SMTP_INBOX: `${smtp.httpUrl}/__messages`,
    UPSTREAM_URL: upstreamUrl,
  };
  const children: ChildProcess[] = [
    startLabelled('worker', process.execPath, ['--import', 'tsx', 'worker/main.ts'], { cwd: root, env }),
    startLabelled('web', process.execPath, ['--import', 'tsx', 'scripts/web-server.ts'], { cwd: root, env }),
  ];
  const baseUrl = `http://localhost:${port}`;
  const stop = async () => {
    await Promise.all(children.map((child) => stopChild(child, 10_000)));
    await telegram.stop();
    await smtp.stop();
    await upstream.close();
    await dropTestResources(databaseUrl, queuePrefix);
  };
  try {
    await waitUntilReady(baseUrl, children);
    // The specs act as one signed-in admin all along (Run now, retries): the hourly limit of
    // people is a product default, not something every spec should trip over. The spec that
    // tests the limits sets them itself.
    await setSettings(baseUrl, { 'triggers.manualPerUserPerHour': 10_000, 'triggers.jobCooldownSeconds': 0 });
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, env, stop };
}

/** Waits for the web app's health check and the worker's catalog sync (probe listed). */
async function waitUntilReady(baseUrl: string, children: ChildProcess[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  let crashed = false;
  for (const child of children) void exited(child).then(() => (crashed = true));
  while (Date.now() < deadline && !crashed) {
    try {
      const response = await fetch(`${baseUrl}/api/jobs`, { headers: { authorization: `Bearer ${e2eApiKey}` } });
      if (response.ok) {
        const { jobs } = (await response.json()) as { jobs: { name: string; synced: boolean }[] };
        if (jobs.every((job) => job.synced)) return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(crashed ? 'the web app or the worker exited during start-up' : 'the stack did not become ready within 60 s');
}

/** Changes Kickoff settings through the API, as the e2e admin key. */
export async function setSettings(baseUrl: string, patch: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${baseUrl}/api/settings`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${e2eApiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(patch),
  });
  if (!response.ok) throw new Error(`settings not changed: ${response.status} ${await response.text()}`);
}
