import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askForRun } from '@/scripts/test/ask-for-run.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { bootstrapAccess } from '@/lib/auth/bootstrap.ts';
import { db } from '@/lib/db.ts';
import { parseEnv } from '@/lib/env.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';
import { GET as health } from './health/route.ts';
import { GET as listJobs } from './jobs/route.ts';
import { POST as trigger } from './jobs/[name]/trigger/route.ts';
import { GET as listRuns } from './runs/route.ts';
import { GET as getRun } from './runs/[id]/route.ts';
import { POST as login } from './auth/login/route.ts';

useOwnQueuePrefix('api');
const apiKey = 'kk_test_api_key_0123456789';
const adminPassword = 'test-admin-password';
const base = 'http://localhost:3000';

function call(path: string, init: RequestInit & { key?: string | null } = {}): Request {
  const headers = new Headers(init.headers);
  if (init.key !== null) headers.set('authorization', `Bearer ${init.key ?? apiKey}`);
  if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return new Request(`${base}${path}`, { ...init, headers });
}
const params = <T,>(value: T) => ({ params: Promise.resolve(value) });
const none = params({} as Record<string, never>);

beforeAll(async () => {
  await bootstrapAccess(db(), parseEnv({ ...process.env, BOOTSTRAP_API_KEY: apiKey, BOOTSTRAP_ADMIN_PASSWORD: adminPassword, BOOTSTRAP_ADMIN_EMAIL: 'api-test@kickoff.local' }));
});

afterAll(async () => {
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

describe('POST /api/jobs/:name/trigger', () => {
  it('answers 202 with a run id and records the run as queued with trigger api', async () => {
    const response = await trigger(call('/api/jobs/probe/trigger', { method: 'POST', body: JSON.stringify({ payload: { steps: 2 }, source: 'test' }) }), params({ name: 'probe' }));
    expect(response.status).toBe(202);
    const body = (await response.json()) as { runId: string; status: string };
    expect(body.status).toBe('queued');
    const run = await db().jobRun.findUniqueOrThrow({ where: { id: body.runId } });
    expect(run).toMatchObject({ jobName: 'probe', status: 'queued', trigger: 'api', actor: 'key:bootstrap', source: 'test' });
    expect(run.payload).toEqual({ steps: 2, sleepMs: 0, fail: false });
    const audit = await db().auditLog.findFirst({ where: { action: 'job.trigger', targetId: 'probe' }, orderBy: { id: 'desc' } });
    expect(audit?.details).toMatchObject({ runId: body.runId });
  });

  it('answers 422 with field errors for a bad payload and writes no run', async () => {
    const before = await db().jobRun.count();
    const response = await trigger(call('/api/jobs/probe/trigger', { method: 'POST', body: JSON.stringify({ payload: { sleepMs: 'soon', steps: 0 } }) }), params({ name: 'probe' }));
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; details: { fieldErrors: Record<string, string[]> } } };
    expect(body.error.code).toBe('validation_failed');
    expect(Object.keys(body.error.details.fieldErrors).sort()).toEqual(['sleepMs', 'steps']);
    expect(await db().jobRun.count()).toBe(before);
  });

  it('answers 404 for an unknown job, 401 without or with a wrong key, 400 for malformed JSON; none writes a run', async () => {
    const before = await db().jobRun.count();
    const unknown = await trigger(call('/api/jobs/nope/trigger', { method: 'POST' }), params({ name: 'nope' }));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const missing = await trigger(call('/api/jobs/probe/trigger', { method: 'POST', key: null }), params({ name: 'probe' }));
    expect(missing.status).toBe(401);
    const wrong = await trigger(call('/api/jobs/probe/trigger', { method: 'POST', key: 'kk_wrong_key_000000000000' }), params({ name: 'probe' }));
    expect(wrong.status).toBe(401);
    const malformed = await trigger(call('/api/jobs/probe/trigger', { method: 'POST', body: '{"payload":' }), params({ name: 'probe' }));
    expect(malformed.status).toBe(400);
    expect(await db().jobRun.count()).toBe(before);
  });

  it('returns the same run for a repeated requestId', async () => {
    const send = () => trigger(call('/api/jobs/probe/trigger', { method: 'POST', body: JSON.stringify({ requestId: 'api-dup-1' }) }), params({ name: 'probe' }));
    const first = (await (await send()).json()) as { runId: string };
    const second = await send();
    expect(second.status).toBe(200);
    expect(((await second.json()) as { runId: string }).runId).toBe(first.runId);
  });
});

describe('POST /api/jobs/:name/trigger with runs (bulk)', () => {
  type Result = { ok: true; runId: string; status: string; created: boolean } | { ok: false; error: { code: string; details?: { fieldErrors?: Record<string, string[]> } } };
  const bulk = (body: unknown, job = 'probe') => trigger(call(`/api/jobs/${job}/trigger`, { method: 'POST', body: JSON.stringify(body) }), params({ name: job }));

  it('answers per item, in order: each payload validated, each requestId idempotent (earlier and within the batch), the new rows and jobs written once each', async () => {
    const earlier = (await (await bulk({ requestId: 'bulk-earlier' })).json()) as { runId: string };
    const before = await db().jobRun.count({ where: { jobName: 'probe' } });
    const response = await bulk({
      source: 'bulk-test',
      runs: [{ payload: { steps: 3 }, requestId: 'bulk-a' }, { payload: { steps: 'many' } }, { requestId: 'bulk-earlier' }, { payload: { steps: 4 }, requestId: 'bulk-a' }, {}],
    });
    expect(response.status).toBe(207);
    const { results } = (await response.json()) as { results: Result[] };
    expect(results.map((result) => (result.ok ? (result.created ? 'created' : 'repeat') : result.error.code))).toEqual(['created', 'validation_failed', 'repeat', 'repeat', 'created']);
    expect(results[1]).toMatchObject({ error: { details: { fieldErrors: { steps: [expect.any(String)] } } } });
    expect(results[2]).toMatchObject({ runId: earlier.runId });
    expect(results[3]).toMatchObject({ runId: (results[0] as { runId: string }).runId });
    expect(await db().jobRun.count({ where: { jobName: 'probe' } })).toBe(before + 2);
    const made = await db().jobRun.findMany({ where: { id: { in: [(results[0] as { runId: string }).runId, (results[4] as { runId: string }).runId] } }, orderBy: { requestId: 'asc' } });
    expect(made.map((run) => [run.requestId, run.source, run.trigger, run.status, (run.payload as { steps: number }).steps])).toEqual([
      ['bulk-a', 'bulk-test', 'api', 'queued', 3],
      [null, 'bulk-test', 'api', 'queued', 1],
    ]);
    for (const run of made) expect((await queues().for('diagnostics').getJob(run.id))?.name, `${run.id} on its queue`).toBe('probe');
    // Sent again whole: nothing new.
    const again = (await (await bulk({ runs: [{ requestId: 'bulk-a' }, { requestId: 'bulk-earlier' }] })).json()) as { results: Result[] };
    expect(again.results.map((result) => result.ok && !result.created)).toEqual([true, true]);
    expect(await db().jobRun.count({ where: { jobName: 'probe' } })).toBe(before + 2);
  });

  it('answers the whole request for an unknown job (404) and for more than 1 000 items or none (422), writing nothing', async () => {
    const before = await db().jobRun.count();
    expect((await bulk({ runs: [{}] }, 'nope')).status).toBe(404);
    expect((await bulk({ runs: Array.from({ length: 1_001 }, () => ({})) })).status).toBe(422);
    expect((await bulk({ runs: [] })).status).toBe(422);
    expect((await bulk({ runs: [{ payload: {}, source: 'per-item sources are not taken' }] })).status).toBe(422);
    expect(await db().jobRun.count()).toBe(before);
  });
});

describe('GET /api/runs and /api/runs/:id', () => {
  it('lists newest first with filters and a cursor that pages without overlap', async () => {
    for (let index = 0; index < 3; index += 1) {
      await trigger(call('/api/jobs/probe/trigger', { method: 'POST', body: JSON.stringify({ source: 'paging' }) }), params({ name: 'probe' }));
    }
    const first = (await (await listRuns(call('/api/runs?source=paging&limit=2'), none)).json()) as { runs: { id: string; queuedAt: string }[]; count: number; nextCursor: string };
    expect(first.runs).toHaveLength(2);
    expect(first.count).toBe(2);
    expect(first.nextCursor).toBeTruthy();
    const second = (await (await listRuns(call(`/api/runs?source=paging&limit=2&cursor=${first.nextCursor}`), none)).json()) as { runs: { id: string }[]; count: number; nextCursor: string | null };
    expect(second.runs).toHaveLength(1);
    expect(second.count).toBe(1);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.runs, ...second.runs].map((run) => run.id)).size).toBe(3);
    expect(first.runs[0]!.queuedAt >= first.runs[1]!.queuedAt).toBe(true);
  });

  it('refuses bad filters with 422 or 400, never 500', async () => {
    expect((await listRuns(call('/api/runs?status=exploded'), none)).status).toBe(422);
    expect((await listRuns(call('/api/runs?limit=1000'), none)).status).toBe(422);
    expect((await listRuns(call('/api/runs?since=yesterday'), none)).status).toBe(422);
    expect((await listRuns(call('/api/runs?cursor=garbage'), none)).status).toBe(400);
    expect((await listRuns(call('/api/runs?colour=red'), none)).status).toBe(422);
  });

  it('finds a run by id or requestId and answers 404 for an unknown id', async () => {
    const created = (await (await trigger(call('/api/jobs/probe/trigger', { method: 'POST', body: JSON.stringify({ requestId: 'find-me-7' }) }), params({ name: 'probe' }))).json()) as { runId: string };
    const byRequest = (await (await listRuns(call('/api/runs?q=find-me-7'), none)).json()) as { runs: { id: string }[] };
    expect(byRequest.runs.map((run) => run.id)).toEqual([created.runId]);
    const one = await getRun(call(`/api/runs/${created.runId}`), params({ id: created.runId }));
    expect(one.status).toBe(200);
    expect(((await one.json()) as { run: { id: string; attempts: unknown[] } }).run).toMatchObject({ id: created.runId, attempts: [] });
    expect((await getRun(call('/api/runs/nope'), params({ id: 'nope' }))).status).toBe(404);
  });
});

describe('GET /api/jobs and /api/health', () => {
  it('lists probe with its category and 24 h stats', async () => {
    const body = (await (await listJobs(call('/api/jobs'), none)).json()) as { jobs: { name: string; category: string; schedule: unknown; stats24h: { total: number } }[] };
    const probe = body.jobs.find((job) => job.name === 'probe');
    expect(probe).toMatchObject({ category: 'diagnostics', schedule: null });
    expect(probe!.stats24h.total).toBeGreaterThan(0);
  });

  it('reports PostgreSQL and Redis with latencies', async () => {
    const response = await health(call('/api/health', { key: null }), none);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', db: { ok: true }, redis: { ok: true } });
  });
});

describe('sessions', () => {
  it('signs in the bootstrap admin and authenticates a cookie request; refuses a cross-site cookie mutation', async () => {
    const signInRequest = (password: string) =>
      new Request(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ email: 'api-test@kickoff.local', password }) });
    const wrong = await login(signInRequest('nope'), none);
    expect(wrong.status).toBe(401);
    const ok = await login(signInRequest(adminPassword), none);
    expect(ok.status).toBe(200);
    const cookie = ok.headers.get('set-cookie')!.split(';')[0]!;
    expect(ok.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax/);
    const runs = await listRuns(call('/api/runs', { key: null, headers: { cookie } }), none);
    expect(runs.status).toBe(200);
    const crossSite = await trigger(call('/api/jobs/probe/trigger', { method: 'POST', key: null, headers: { cookie, 'sec-fetch-site': 'cross-site' } }), params({ name: 'probe' }));
    expect(crossSite.status).toBe(403);
    const sameSite = await trigger(call('/api/jobs/probe/trigger', { method: 'POST', key: null, headers: { cookie, 'sec-fetch-site': 'same-origin' } }), params({ name: 'probe' }));
    expect(sameSite.status).toBe(202);
    const run = await db().jobRun.findUniqueOrThrow({ where: { id: ((await sameSite.json()) as { runId: string }).runId } });
    expect(run).toMatchObject({ trigger: 'manual', actor: 'api-test@kickoff.local' });
  });
});

describe('GET /api/stats', () => {
  it('gives totals, an hourly series, queue depths and workers; refuses an unknown window', async () => {
    const { GET: stats } = await import('./stats/route.ts');
    const body = (await (await stats(call('/api/stats?window=24h'), none)).json()) as {
      totals: { runs: number; completed: number };
      perHour: { hour: string; completed: number; failed: number }[];
      queues: { category: string; waiting: number }[];
    };
    expect(body.totals.runs).toBeGreaterThan(0);
    expect(body.perHour.length).toBeGreaterThanOrEqual(24);
    expect(body.perHour.reduce((sum, hour) => sum + hour.completed, 0)).toBe(body.totals.completed);
    expect(body.queues.map((queue) => queue.category)).toContain('diagnostics');
    expect((await stats(call('/api/stats?window=1y'), none)).status).toBe(422);
  });

  it('lists the recent executions of any job, newest first', async () => {
    const { GET: stats } = await import('./stats/route.ts');
    const { run } = await askForRun('probe', { source: 'recent-executions' });
    const body = (await (await stats(call('/api/stats?window=1h'), none)).json()) as { recentExecutions: { runId: string; jobName: string; status: string; queuedAt: string; success: boolean | null }[] };
    expect(body.recentExecutions.length).toBeGreaterThan(0);
    expect(body.recentExecutions.length).toBeLessThanOrEqual(10);
    // newer runs of other test files may come first; none older than ours
    expect(body.recentExecutions[0]!.queuedAt >= run.queuedAt.toISOString()).toBe(true);
    for (const row of body.recentExecutions) expect(row.success).toBe(row.status === 'completed' ? true : ['failed', 'cancelled', 'skipped'].includes(row.status) ? false : null);
    const queuedAt = body.recentExecutions.map((row) => row.queuedAt);
    expect([...queuedAt].sort().reverse()).toEqual(queuedAt);
  });
});

describe('payload search', () => {
  it('finds runs by a payload field, as a number or a string', async () => {
    const created = (await (await trigger(call('/api/jobs/probe/trigger', { method: 'POST', body: JSON.stringify({ payload: { steps: 7, sleepMs: 3 } }) }), params({ name: 'probe' }))).json()) as { runId: string };
    const found = (await (await listRuns(call('/api/runs?q=steps%3D7'), none)).json()) as { runs: { id: string }[] };
    expect(found.runs.map((run) => run.id)).toContain(created.runId);
    const none7 = (await (await listRuns(call('/api/runs?q=steps%3D8'), none)).json()) as { runs: { id: string }[] };
    expect(none7.runs.map((run) => run.id)).not.toContain(created.runId);
  });
});

describe('GET /api/metrics', () => {
  it('answers Prometheus text with run totals and durations by job_name, queue depths, alerts and workers; 401 without a key', async () => {
    const { GET: metrics } = await import('./metrics/route.ts');
    const id = `metrics-${Date.now()}`;
    await db().jobRun.create({ data: { id, jobName: 'probe', status: 'running', trigger: 'api' } });
    const before = Number(/^kickoff_runs_total\{job_name="probe",status="completed",trigger="api"\} (\d+)$/m.exec(await (await metrics(call('/api/metrics'), none)).text())?.[1] ?? 0);
    await db().jobRun.update({ where: { id }, data: { status: 'completed', durationMs: 1_500 } });
    const alert = await db().alert.create({
      data: { ruleId: 'metrics-rule', subject: 'probe', severity: 'critical', title: 't', message: 'm', deliveries: { create: [{ channel: { type: 'webhook', url: 'http://x.test' }, attempts: 8, lastError: 'refused' }] } },
    });
    const response = await metrics(call('/api/metrics'), none);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    const text = await response.text();
    expect(text).not.toMatch(/[{,]job="/);
    expect(text).toMatch(/^# TYPE kickoff_runs_total counter$/m);
    expect(Number(/^kickoff_runs_total\{job_name="probe",status="completed",trigger="api"\} (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(before + 1); // other files may finish probe runs meanwhile
    expect(text).toMatch(/^kickoff_queue_jobs\{queue="diagnostics",state="waiting"\} \d+$/m);
    expect(text).toMatch(/^kickoff_workers_online \d+$/m);
    expect(Number(/^kickoff_alert_deliveries\{channel="webhook",state="failed"\} (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^kickoff_alerts_active\{status="open",severity="critical"\} [1-9]\d*$/m);
    expect(text).toMatch(/^kickoff_cache_lookups_total\{family="live",result="miss"\} \d+$/m);
    await db().alert.delete({ where: { id: alert.id } });
    const bucket = (le: string) => Number(new RegExp(`^kickoff_run_duration_seconds_bucket\\{job_name="probe",le="${le.replace('+', '\\+')}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
    expect(bucket('2.5') - bucket('1')).toBeGreaterThanOrEqual(1); // the 1.5 s run
    expect(bucket('+Inf')).toBeGreaterThanOrEqual(bucket('2.5'));
    expect((await metrics(call('/api/metrics', { key: null }), none)).status).toBe(401);
  });
});
