/**
 * A failed run's stack (`errorStack`, and each attempt's `trace`) names server paths: the
 * run API (and so the run page, which reads it) gives them to admins only.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { db } from '@/lib/db.ts';
import { GET as getRun } from './[id]/route.ts';
import { GET as listRuns } from './route.ts';

useOwnQueuePrefix('run-stacks');
const stack = 'Error: upstream said no\n    at fetchEntries (/srv/kickoff/worker/jobs/league/entry-updates.ts:41:11)';
const keys: Record<string, string> = {};
let runId: string;

beforeAll(async () => {
  keys.admin = await createTestApiKey('admin');
  keys.operator = await createTestApiKey('operator', ['*']);
  keys.viewer = await createTestApiKey('viewer');
  runId = `stacks-${randomUUID()}`;
  await db().jobRun.create({
    data: {
      id: runId,
      jobName: 'probe',
      status: 'failed',
      trigger: 'api',
      error: 'upstream said no',
      errorStack: stack,
      attempt: 2,
      maxAttempts: 2,
      attempts: [
        { attempt: 1, at: new Date().toISOString(), finishedAt: new Date().toISOString(), error: 'upstream said no', trace: stack },
        { attempt: 2, at: new Date().toISOString(), finishedAt: new Date().toISOString(), error: 'upstream said no', trace: stack },
      ],
    },
  });
});
afterAll(() => db().$disconnect());

const runAs = async (who: string) => ((await (await getRun(apiRequest(`/api/runs/${runId}`, keys[who]!), routeParams({ id: runId }))).json()) as { run: { error: string; errorStack: string | null; attempts: Record<string, unknown>[] } }).run;

describe('stacks of a failed run', () => {
  it('reach admins', async () => {
    const run = await runAs('admin');
    expect(run.errorStack).toBe(stack);
    expect(run.attempts.map((attempt) => attempt.trace)).toEqual([stack, stack]);
  });

  it('do not reach operators or viewers, who still see the error message and every attempt', async () => {
    for (const who of ['operator', 'viewer']) {
      const run = await runAs(who);
      expect(run.error).toBe('upstream said no');
      expect(run.errorStack).toBeNull();
      expect(run.attempts).toHaveLength(2);
      expect(run.attempts.every((attempt) => !('trace' in attempt) && attempt.error === 'upstream said no')).toBe(true);
      expect(JSON.stringify(run)).not.toContain('/srv/kickoff');
    }
  });

  it('are not in the run list for anyone', async () => {
    const { runs } = (await (await listRuns(apiRequest(`/api/runs?q=${runId}`, keys.admin!), routeParams({}))).json()) as { runs: Record<string, unknown>[] };
    expect(runs).toHaveLength(1);
    expect(JSON.stringify(runs)).not.toContain('/srv/kickoff');
  });
});
