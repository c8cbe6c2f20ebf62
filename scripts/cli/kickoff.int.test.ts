/**
 * The `kickoff` CLI and the client under it, against a running Kickoff: the production build
 * (`next start`) and a real worker on a database and Redis prefix of their own
 * (e2e/support/stack.ts). Every command runs as a person would run it: `npx kickoff …`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eApiKey, setSettings, startStack, type Stack } from '../../e2e/support/stack.ts';
import { KickoffApiError, KickoffClient } from '../../lib/client/kickoff-client.ts';
import { ensureBuilt } from '../lib/build.ts';
import { runCommand, startCommand } from '../test/command-process.ts';
import { freePort } from '../test/redis-server.ts';
import { waitFor } from '../test/wait-for.ts';

const root = new URL('../..', import.meta.url).pathname;
let stack: Stack;
let client: KickoffClient;

beforeAll(async () => {
  // `npm test` builds before vitest; run alone, this file builds when the sources changed.
  await ensureBuilt();
  stack = await startStack({ port: await freePort() });
  client = new KickoffClient({ url: stack.baseUrl, apiKey: e2eApiKey });
}, 600_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

function env(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, KICKOFF_URL: stack.baseUrl, KICKOFF_API_KEY: e2eApiKey, ...overrides };
}

const bin = `${root}scripts/cli/kickoff.ts`;

/**
 * The CLI as its `bin` entry runs it (the file itself, through its shebang), stdout and stderr
 * piped. `npx kickoff` adds a second and a half per call, so only a few tests go through it.
 */
const kickoff = (args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) =>
  runCommand(bin, args, { cwd: options.cwd ?? root, env: options.env ?? env(), timeoutMs: 90_000 });

/** `npx kickoff …`, as README shows it. */
const npxKickoff = (args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) =>
  runCommand('npx', ['kickoff', ...args], { cwd: options.cwd ?? root, env: options.env ?? env(), timeoutMs: 90_000 });

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

describe('kickoff trigger --wait', () => {
  it('exits 0 for a completed run, with progress on stderr and the outcome on stdout', async () => {
    const result = await npxKickoff(['trigger', 'probe', '--payload', '{"sleepMs":1500,"steps":3}', '--wait', '--interval', '0.2']);
    expect(result.stderr).toMatch(/^queued probe run [0-9a-f-]{36}$/m);
    expect(result.stderr).toMatch(/: running · attempt 1\/1 · \d+%/);
    expect(result.stdout).toMatch(/^probe [0-9a-f-]{36} completed in [\d.]+ s: \{"steps":3,"sleptMs":1500\}$/m);
    expect(result.code).toBe(0);
  }, 90_000);

  it('exits 2 for a failed run and says why', async () => {
    const result = await kickoff(['trigger', 'probe', '--payload', '{"fail":true}', '--wait', '--interval', '0.2']);
    expect(result.stdout).toContain('failed');
    expect(result.stdout).toContain('Probe failed on request after 1 step(s)');
    expect(result.code).toBe(2);
  }, 90_000);

  it('with --json prints the ended run as JSON on stdout, progress on stderr; --payload @- reads stdin', async () => {
    const result = await runCommand('sh', ['-c', `echo '{"sleepMs":300}' | ${bin} trigger probe --payload @- --wait --json --request-id cli-json-1`], { cwd: root, env: env(), timeoutMs: 90_000 });
    expect(result.code).toBe(0);
    const { run } = JSON.parse(result.stdout) as { run: { status: string; payload: unknown; requestId: string; source: string; trigger: string } };
    expect(run).toMatchObject({ status: 'completed', payload: { sleepMs: 300, steps: 1, fail: false }, requestId: 'cli-json-1', source: 'cli', trigger: 'api' });
    expect(result.stderr).toContain('queued probe run');
  }, 90_000);

  it('exits 5 when --timeout passes first, and the run goes on', async () => {
    const result = await kickoff(['trigger', 'probe', '--payload', '{"sleepMs":20000,"steps":20}', '--wait', '--timeout', '1', '--interval', '0.2']);
    expect(result.code).toBe(5);
    const runId = /queued probe run ([0-9a-f-]{36})/.exec(result.stderr)?.[1];
    expect(result.stderr).toContain(`run ${runId} was still`);
    expect((await client.run(runId!)).status).not.toBe('cancelled');
    await client.cancel(runId!);
  }, 90_000);
});

describe('kickoff logs --follow', () => {
  it('prints log lines while the run writes them and exits with how it ended', async () => {
    const { runId } = await client.trigger('probe', { sleepMs: 4_000, steps: 8 });
    const follow = startCommand(bin, ['logs', runId, '--follow', '--interval', '0.2'], { cwd: root, env: env(), timeoutMs: 90_000 });
    // The first line is on stdout while the run is still going: it was not printed at the end.
    await waitFor(async () => follow.stdout.includes('step 1 of 8'), 60_000, 'the first log line');
    const whenFirstLinePrinted = await client.run(runId);
    expect(['running', 'queued']).toContain(whenFirstLinePrinted.status);
    expect(follow.child.exitCode).toBeNull();

    const result = await follow.done;
    expect(result.code).toBe(0);
    const logLines = lines(result.stdout);
    // Every line once, in order, each with its time, level and fields.
    expect(logLines.map((line) => /step \d of 8/.exec(line)?.[0])).toEqual(Array.from({ length: 8 }, (_, index) => `step ${index + 1} of 8`));
    expect(logLines[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z  info   step 1 of 8  \{"step":1\}$/);
    expect(result.stderr).toContain(`probe ${runId} completed`);
  }, 90_000);

  it('exits 3 when the run is cancelled (kickoff cancel) while it follows', async () => {
    const { runId } = await client.trigger('probe', { sleepMs: 30_000, steps: 30 });
    const follow = startCommand(bin, ['logs', runId, '-f', '--json', '--interval', '0.2'], { cwd: root, env: env(), timeoutMs: 90_000 });
    await waitFor(async () => follow.stdout.includes('step 1 of 30'), 60_000, 'the first log line');
    const cancel = await kickoff(['cancel', runId]);
    expect(cancel.stdout.trim()).toBe(`cancelling probe run ${runId}: it is running, and stops when its worker aborts it`);
    expect(cancel.code).toBe(0);
    const result = await follow.done;
    expect(result.code).toBe(3);
    // --json: one event object per line.
    for (const line of lines(result.stdout)) expect(JSON.parse(line)).toMatchObject({ kind: 'log', level: 'info' });
  }, 90_000);

  it('cancel --wait returns when the run has stopped, with exit code 3', async () => {
    const { runId } = await client.trigger('probe', { sleepMs: 30_000, steps: 30 });
    await waitFor(async () => (await client.run(runId)).status === 'running', 30_000, 'the run to start');
    const result = await kickoff(['cancel', runId, '--wait', '--interval', '0.2']);
    expect(result.stderr).toContain(`cancelling probe run ${runId}: it is running`);
    expect(result.stdout.trim()).toMatch(new RegExp(`^probe ${runId} was cancelled in [\\d.]+ (ms|s)$`));
    expect(result.code).toBe(3);
    expect((await client.run(runId)).status).toBe('cancelled');
  }, 90_000);

  it('without --follow prints the lines there are and exits 0', async () => {
    const { runId } = await client.trigger('probe', { steps: 2 });
    await client.waitForRun(runId, { intervalMs: 200 });
    const result = await kickoff(['logs', runId]);
    expect(lines(result.stdout).map((line) => /info {3}(.*?)  \{/.exec(line)?.[1])).toEqual(['step 1 of 2', 'step 2 of 2']);
    expect(result.code).toBe(0);
  }, 90_000);
});

describe('kickoff errors in plain words', () => {
  it('a wrong key: refused by which URL, and which variable to check', async () => {
    const result = await kickoff(['runs'], { env: env({ KICKOFF_API_KEY: 'kk_not_a_key_of_this_kickoff_000' }) });
    expect(result.stderr.trim()).toBe(`kickoff: the API key was refused (401) by ${stack.baseUrl}; check KICKOFF_API_KEY`);
    expect(result.code).toBe(1);
  }, 90_000);

  it('no key at all: which variable to set', async () => {
    const noKey = env();
    delete noKey.KICKOFF_API_KEY;
    const result = await kickoff(['jobs'], { env: noKey });
    expect(result.stderr.trim()).toBe(`kickoff: ${stack.baseUrl} wants an API key (401); set KICKOFF_API_KEY or pass --api-key`);
    expect(result.code).toBe(1);
  }, 90_000);

  it('a wrong URL: could not reach it, connection refused, is Kickoff running', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await kickoff(['jobs'], { env: env({ KICKOFF_URL: url }) });
    expect(result.stderr.trim()).toBe(`kickoff: could not reach ${url}: connection refused; is Kickoff running? (KICKOFF_URL)`);
    expect(result.code).toBe(1);
  }, 90_000);

  it('a URL that is not Kickoff: says so instead of printing what it answered', async () => {
    // The simulator answers HTTP but is not Kickoff's API.
    const result = await kickoff(['jobs', '--url', stack.env.UPSTREAM_URL!]);
    expect(result.stderr).toContain(`kickoff: ${stack.env.UPSTREAM_URL} answered GET /api/jobs with 404 and a body that is not Kickoff's API; is KICKOFF_URL the address of Kickoff?`);
    expect(result.code).toBe(1);
  }, 90_000);

  it('a payload that fails the schema (422): every field error', async () => {
    const result = await kickoff(['trigger', 'probe', '--payload', '{"steps":0,"sleepMs":-1,"extra":1}']);
    expect(result.stderr).toContain('kickoff: The payload does not fit job "probe" (422):');
    expect(result.stderr).toMatch(/^ {2}steps: .*>=1/m);
    expect(result.stderr).toMatch(/^ {2}sleepMs: .*>=0/m);
    expect(result.stderr).toMatch(/^ {2}\(the payload\): .*extra/m);
    expect(result.code).toBe(1);
  }, 90_000);

  it('an unknown job (404) and a refused trigger (409) with the reason', async () => {
    const unknown = await kickoff(['trigger', 'no-such-job']);
    expect(unknown.stderr.trim()).toBe('kickoff: not found (404): Job "no-such-job" was not found');
    expect(unknown.code).toBe(1);

    await setSettings(stack.baseUrl, { 'triggers.api': false });
    try {
      const refused = await kickoff(['trigger', 'probe']);
      expect(refused.stderr.trim()).toBe('kickoff: refused (409, triggers_off): API triggers are switched off in Settings');
      expect(refused.code).toBe(1);
    } finally {
      await setSettings(stack.baseUrl, { 'triggers.api': true });
    }
  }, 90_000);

  it('bad input on the command line: which option, and what it expects', async () => {
    const result = await kickoff(['trigger', 'probe', '--payload', '@no-such-file.json']);
    expect(result.stderr).toContain("option '--payload <json|@file>' argument '@no-such-file.json' is invalid. cannot read no-such-file.json: no such file");
    expect(result.code).toBe(1);
  }, 90_000);
});

describe('kickoff runs, run, retry, jobs', () => {
  it('runs --json is the API page as valid JSON, filtered by job and status', async () => {
    const { runId } = await client.trigger('probe', { fail: true }, { requestId: 'cli-runs-json' });
    await client.waitForRun(runId, { intervalMs: 200 });
    const result = await kickoff(['runs', '--json', '--job', 'probe', '--status', 'failed', '--since', '1h', '--limit', '5']);
    expect(result.code).toBe(0);
    const page = JSON.parse(result.stdout) as { runs: { id: string; jobName: string; status: string }[]; nextCursor: string | null };
    expect(page).toHaveProperty('nextCursor');
    expect(page.runs.length).toBeGreaterThan(0);
    expect(page.runs.length).toBeLessThanOrEqual(5);
    expect(page.runs.every((run) => run.jobName === 'probe' && run.status === 'failed')).toBe(true);
    expect(page.runs.map((run) => run.id)).toContain(runId);

    const text = await kickoff(['runs', '--job', 'probe', '-q', 'cli-runs-json']);
    expect(lines(text.stdout)[0]).toMatch(/^RUN\s+JOB\s+STATUS\s+TRIGGER\s+QUEUED\s+DURATION$/);
    expect(lines(text.stdout).slice(1)).toEqual([expect.stringMatching(new RegExp(`^${runId}  probe  failed  api  `))]);
  }, 90_000);

  it('run shows one run; retry --wait follows the new run and exits with its end', async () => {
    const { runId } = await client.trigger('probe', { fail: true });
    await client.waitForRun(runId, { intervalMs: 200 });
    const shown = await kickoff(['run', runId]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^status\s+failed \(attempt 1 of 1\)$/m);
    expect(shown.stdout).toMatch(/^error\s+Probe failed on request after 1 step\(s\)$/m);

    const retried = await kickoff(['retry', runId, '--wait', '--json', '--interval', '0.2']);
    expect(retried.code).toBe(2);
    const { run } = JSON.parse(retried.stdout) as { run: { id: string; retryOf: string; trigger: string; status: string } };
    expect(run).toMatchObject({ retryOf: runId, trigger: 'retry', status: 'failed' });

    const again = await kickoff(['retry', run.id, '--wait', '--interval', '0.2']);
    expect(again.code).toBe(2);

    const completed = (await client.runs({ job: 'probe', status: 'completed', limit: 1 })).runs[0]!;
    const refused = await kickoff(['retry', completed.id]);
    expect(refused.stderr.trim()).toBe('kickoff: refused (409, invalid_state): Run is completed; only failed or cancelled runs can be retried');
    expect(refused.code).toBe(1);
  }, 90_000);

  it('jobs lists the catalog, and --json is the API body; the same request id twice is one run', async () => {
    const jobs = await kickoff(['jobs']);
    expect(jobs.code).toBe(0);
    expect(jobs.stdout).toMatch(/^probe\s+diagnostics\s+manual only\s+enabled/m);
    const json = JSON.parse((await kickoff(['jobs', '--json'])).stdout) as { jobs: { name: string }[] };
    expect(json.jobs.map((job) => job.name)).toContain('bootstrap-meta');

    const first = await kickoff(['trigger', 'probe', '--request-id', 'cli-once']);
    const second = await kickoff(['trigger', 'probe', '--request-id', 'cli-once']);
    const runId = /^queued probe run ([0-9a-f-]{36})$/.exec(first.stdout.trim())?.[1];
    expect(runId).toBeDefined();
    expect(second.stdout.trim()).toMatch(new RegExp(`^request id cli-once was used before: probe run ${runId} \\(\\w+\\)$`));
  }, 90_000);

  it('--help for every command, from a folder inside the checkout (npx kickoff there too)', async () => {
    for (const command of ['jobs', 'trigger', 'runs', 'run', 'logs', 'retry', 'cancel']) {
      const result = await (command === 'trigger' ? npxKickoff : kickoff)([command, '--help'], { cwd: `${root}lib/jobs` });
      expect(result.code, command).toBe(0);
      expect(result.stdout, command).toMatch(new RegExp(`^Usage: kickoff ${command} `));
      expect(result.stdout, command).toContain('KICKOFF_URL');
    }
  }, 120_000);
});

describe('lib/client/kickoff-client.ts against Kickoff', () => {
  it('trigger is typed by job and payload, waitForRun reports progress and resolves with the ended run', async () => {
    const { runId, status, created } = await client.trigger('probe', { sleepMs: 600, steps: 3 });
    expect({ status, created }).toEqual({ status: 'queued', created: true });
    const seen: string[] = [];
    const run = await client.waitForRun(runId, { intervalMs: 100, onProgress: (current) => seen.push(`${current.status} ${current.progress}% ${current.events.length} lines`) });
    expect(run).toMatchObject({ id: runId, status: 'completed', result: { steps: 3, sleptMs: 600 }, progress: 100 });
    expect(run.events.map((event) => event.message)).toEqual(['step 1 of 3', 'step 2 of 3', 'step 3 of 3']);
    // Once per change, never twice for the same state.
    expect(seen.at(-1)).toBe('completed 100% 3 lines');
    expect(new Set(seen).size).toBe(seen.length);
  }, 90_000);

  it('errors are KickoffApiError with status, code, message and field errors', async () => {
    const error = await client.triggerUnchecked('probe', { steps: 'many' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KickoffApiError);
    expect(error).toMatchObject({ status: 422, code: 'validation_failed', message: 'The payload does not fit job "probe"' });
    expect((error as KickoffApiError).fieldErrors).toEqual({ steps: [expect.stringContaining('number')] });

    const missing = await client.run('00000000-0000-0000-0000-000000000000').catch((caught: unknown) => caught);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
  });
});
