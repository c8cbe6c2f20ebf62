import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { Db } from '@/lib/db.ts';
import {
  backlogMessage,
  consecutiveFailuresMessage,
  dataQualityMessage,
  errorRateMessage,
  longRunningMessage,
  missedScheduleMessage,
  noWorkerMessage,
  workerOfflineMessage,
  workerResourcesMessage,
  type AlertMessage,
  type ResourceOver,
} from '@/lib/alerts/alert-messages.ts';
import { categoryNames, type Category } from '@/lib/jobs/categories.ts';
import type { ScheduleOptions } from '@/lib/jobs/define-job.ts';
import { lastDueBefore } from '@/lib/jobs/schedule.ts';
import { kickoffKeys } from '@/lib/redis-keys.ts';
import type { QueueSet } from '@/lib/queue/queues.ts';
import { readSettings } from '@/lib/settings.ts';
import type { alertConditionSchema, alertScopeSchema } from '@/lib/validations/alerts.ts';

/**
 * The state conditions: each check answers "which subjects are firing right now" for one rule.
 * The engine opens alerts for new subjects and resolves the open ones that are no longer in the
 * answer (the condition cleared). `run-failed` and `run-completed` are not here: they fire per
 * run that ends, not on a state (see AlertEngine).
 */
export type AlertCondition = z.infer<typeof alertConditionSchema>;
export type AlertScope = z.infer<typeof alertScopeSchema>;
export type TransitionCondition = Extract<AlertCondition, { type: 'run-failed' | 'run-completed' }>;
export type StateCondition = Exclude<AlertCondition, TransitionCondition>;

export function isTransitionCondition(condition: AlertCondition): condition is TransitionCondition {
  return condition.type === 'run-failed' || condition.type === 'run-completed';
}

/** One subject a rule fires for: a job name, `queue:<category>` or `worker:<id>`. */
export interface Firing extends AlertMessage {
  subject: string;
  runId?: string | null;
}

export interface ConditionContext {
  db: Db;
  redis: Redis;
  prefix: string;
  queues: () => QueueSet;
  now: Date;
  publicUrl: string;
  ruleId: string;
  scope: AlertScope;
}

type Check<C extends StateCondition> = (condition: C, context: ConditionContext) => Promise<Firing[]>;

/** The jobs a scope covers, by name, from the synced catalog (jobs since removed from the code included: their runs still count). */
async function jobsInScope({ db, scope }: ConditionContext): Promise<string[]> {
  const where = 'job' in scope ? { name: scope.job } : 'category' in scope ? { category: scope.category } : {};
  return (await db.jobDefinition.findMany({ where, select: { name: true } })).map((job) => job.name);
}

const longRunning: Check<Extract<StateCondition, { type: 'long-running' }>> = async (condition, context) => {
  const jobs = await jobsInScope(context);
  const runs = await context.db.jobRun.findMany({
    where: { status: 'running', jobName: { in: jobs }, startedAt: { lte: new Date(context.now.getTime() - condition.thresholdMs) } },
    orderBy: { startedAt: 'asc' },
  });
  const oldestPerJob = new Map<string, (typeof runs)[number]>();
  for (const run of runs) if (!oldestPerJob.has(run.jobName)) oldestPerJob.set(run.jobName, run);
  return [...oldestPerJob.values()].map((run) => ({
    subject: run.jobName,
    runId: run.id,
    ...longRunningMessage({ jobName: run.jobName, runId: run.id, startedAt: run.startedAt!, progress: run.progress, phase: run.phase }, condition.thresholdMs, context.now, context.publicUrl),
  }));
};

const errorRate: Check<Extract<StateCondition, { type: 'error-rate' }>> = async (condition, context) => {
  const jobs = await jobsInScope(context);
  if (jobs.length === 0) return [];
  const since = new Date(context.now.getTime() - condition.windowMinutes * 60_000);
  const rows = await context.db.$queryRaw<{ jobName: string; failed: bigint; total: bigint }[]>`
    SELECT "jobName", count(*) FILTER (WHERE status = 'failed') AS failed, count(*) AS total
    FROM "JobRun"
    WHERE "jobName" = ANY(${jobs}) AND status IN ('failed', 'completed') AND "updatedAt" >= ${since} AND "finishedAt" >= ${since}
    GROUP BY 1`;
  return rows
    .map((row) => ({ jobName: row.jobName, failed: Number(row.failed), total: Number(row.total) }))
    .filter((row) => row.total >= condition.minRuns && row.failed / row.total >= condition.threshold)
    .map((row) => ({ subject: row.jobName, ...errorRateMessage(row.jobName, row.failed, row.total, condition.windowMinutes, condition.threshold, context.publicUrl) }));
};

const consecutiveFailures: Check<Extract<StateCondition, { type: 'consecutive-failures' }>> = async (condition, context) => {
  const jobs = await jobsInScope(context);
  if (jobs.length === 0) return [];
  // The latest `count` finished runs of each job; it fires when all of them failed.
  const rows = await context.db.$queryRaw<{ jobName: string; statuses: string[]; lastId: string; lastError: string | null }[]>`
    SELECT job.name AS "jobName", latest.statuses, latest."lastId", latest."lastError"
    FROM unnest(${jobs}::text[]) AS job(name)
    CROSS JOIN LATERAL (
      SELECT array_agg(status::text) AS statuses, (array_agg(id))[1] AS "lastId", (array_agg(error))[1] AS "lastError"
      FROM (
        SELECT id, status, error FROM "JobRun"
        WHERE "jobName" = job.name AND status IN ('failed', 'completed')
        ORDER BY "queuedAt" DESC, id DESC LIMIT ${condition.count}
      ) AS recent
    ) AS latest`;
  return rows
    .filter((row) => row.statuses?.length === condition.count && row.statuses.every((status) => status === 'failed'))
    .map((row) => ({ subject: row.jobName, runId: row.lastId, ...consecutiveFailuresMessage(row.jobName, condition.count, { id: row.lastId, error: row.lastError }, context.publicUrl) }));
};

const missedSchedule: Check<Extract<StateCondition, { type: 'missed-schedule' }>> = async (condition, context) => {
  const settings = await readSettings(context.db);
  // Schedules switched off on purpose are not missed.
  if (settings['engine.paused'] || !settings['triggers.schedule']) return [];
  const jobs = await jobsInScope(context);
  const definitions = await context.db.jobDefinition.findMany({ where: { name: { in: jobs }, enabled: true, inCatalog: true } });
  const graceStart = new Date(context.now.getTime() - condition.graceMinutes * 60_000);
  const firings: Firing[] = [];
  for (const definition of definitions) {
    const schedule = (definition.scheduleOverride ?? definition.schedule) as ScheduleOptions | null;
    if (!schedule || (definition.pausedUntil && definition.pausedUntil > context.now)) continue;
    const due = lastDueBefore(schedule, graceStart);
    // A job created or changed after it was due had no chance to run yet.
    if (due <= definition.createdAt || due <= definition.updatedAt) continue;
    const produced = await context.db.jobRun.findFirst({ where: { jobName: definition.name, trigger: 'schedule', queuedAt: { gte: new Date(due.getTime() - 60_000) } }, select: { id: true } });
    if (!produced) firings.push({ subject: definition.name, ...missedScheduleMessage(definition.name, due, condition.graceMinutes, context.publicUrl) });
  }
  return firings;
};

const backlog: Check<Extract<StateCondition, { type: 'backlog' }>> = async (condition, context) => {
  const { scope } = context;
  let categories: readonly string[] = categoryNames;
  if ('category' in scope) categories = [scope.category];
  if ('job' in scope) categories = (await context.db.jobDefinition.findMany({ where: { name: scope.job }, select: { category: true } })).map((job) => job.category);
  // When each queue was first seen above the depth, kept in Redis so it survives a change of the evaluating worker.
  const sinceKey = kickoffKeys.alertsBacklogSince(context.prefix, context.ruleId);
  const firings: Firing[] = [];
  for (const category of categories) {
    const counts = await context.queues().for(category as Category).getJobCounts('waiting', 'prioritized');
    const waiting = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
    if (waiting <= condition.waiting) {
      await context.redis.hdel(sinceKey, category);
      continue;
    }
    await context.redis.hsetnx(sinceKey, category, String(context.now.getTime()));
    const since = Number(await context.redis.hget(sinceKey, category));
    const aboveForMs = context.now.getTime() - since;
    if (aboveForMs >= condition.forMinutes * 60_000) firings.push({ subject: `queue:${category}`, ...backlogMessage(category, waiting, condition.waiting, aboveForMs) });
  }
  await context.redis.pexpire(sinceKey, 7 * 86_400_000);
  return firings;
};

/** The subject of "no worker at all". */
export const noWorkerSubject = 'workers:none';

const workerOffline: Check<Extract<StateCondition, { type: 'worker-offline' }>> = async (condition, context) => {
  const { db, now } = context;
  const silentSince = new Date(now.getTime() - condition.afterSeconds * 1_000);
  const silent = await db.workerHeartbeat.findMany({ where: { stoppedAt: null, lastSeenAt: { lt: silentSince, gte: new Date(now.getTime() - 86_400_000) } } });
  const alive = await db.workerHeartbeat.findMany({ where: { stoppedAt: null, lastSeenAt: { gte: silentSince } }, select: { host: true, startedAt: true } });
  if (silent.length === 0) {
    if (alive.length > 0) return [];
    // Nobody silent and nobody alive: every worker stopped on purpose (or none ever started), so nothing runs.
    const last = await db.workerHeartbeat.findFirst({ orderBy: { lastSeenAt: 'desc' } });
    if (last && last.lastSeenAt >= silentSince) return [];
    return [{ subject: noWorkerSubject, ...noWorkerMessage(last, now) }];
  }
  // A worker restarted on the same host after the silent one stopped answering replaces it: the worker is back.
  const replaced = (worker: (typeof silent)[number]) => alive.some((other) => other.host === worker.host && other.startedAt >= worker.lastSeenAt);
  return silent.filter((worker) => !replaced(worker)).map((worker) => ({ subject: `worker:${worker.id}`, ...workerOfflineMessage(worker, now) }));
};

/** A worker counts while it reports: stopped workers and those silent this long are the worker-offline rule's. */
const resourceFreshMs = 120_000;

const mb = (bytes: number) => `${Math.round(bytes / 1_048_576)} MB`;

/**
 * A worker's memory, CPU or event-loop lag over the rule's limit, as its heartbeat reports it
 * (worker/heartbeat.ts, every 5 s), for `forMinutes`. When each worker was first seen over each
 * limit is kept in Redis, like the backlog's, so it survives a change of the evaluating worker.
 * A scope of a category (or a job's category) covers the workers that run it.
 */
const workerResources: Check<Extract<StateCondition, { type: 'worker-resources' }>> = async (condition, context) => {
  const { db, redis, now, scope } = context;
  let categories: string[] | null = null;
  if ('category' in scope) categories = [scope.category];
  if ('job' in scope) categories = (await db.jobDefinition.findMany({ where: { name: scope.job }, select: { category: true } })).map((job) => job.category);
  const workers = (await db.workerHeartbeat.findMany({ where: { stoppedAt: null, lastSeenAt: { gte: new Date(now.getTime() - resourceFreshMs) } }, orderBy: { id: 'asc' } })).filter(
    (worker) => !categories || categories.some((category) => category in ((worker.concurrency ?? {}) as Record<string, number>)),
  );
  const sinceKey = kickoffKeys.alertsResourceSince(context.prefix, context.ruleId);
  const seen = new Set<string>();
  const firings: Firing[] = [];
  for (const worker of workers) {
    const readings: { field: string; over: boolean; entry: Omit<ResourceOver, 'forMs'> }[] = [
      ...(condition.rssMb !== undefined ? [{ field: 'rss', over: Number(worker.rssBytes) > condition.rssMb * 1_048_576, entry: { resource: 'memory' as const, value: mb(Number(worker.rssBytes)), limit: `${condition.rssMb} MB` } }] : []),
      ...(condition.cpuPercent !== undefined ? [{ field: 'cpu', over: worker.cpuPercent > condition.cpuPercent, entry: { resource: 'CPU' as const, value: `${worker.cpuPercent} %`, limit: `${condition.cpuPercent} %` } }] : []),
      ...(condition.eventLoopLagMs !== undefined
        ? [{ field: 'lag', over: worker.eventLoopLagMs > condition.eventLoopLagMs, entry: { resource: 'event-loop lag' as const, value: `${Math.round(worker.eventLoopLagMs)} ms`, limit: `${condition.eventLoopLagMs} ms` } }]
        : []),
    ];
    const over: ResourceOver[] = [];
    for (const reading of readings) {
      const field = `${worker.id}:${reading.field}`;
      if (!reading.over) {
        await redis.hdel(sinceKey, field);
        continue;
      }
      seen.add(field);
      await redis.hsetnx(sinceKey, field, String(now.getTime()));
      const forMs = now.getTime() - Number(await redis.hget(sinceKey, field));
      if (forMs >= condition.forMinutes * 60_000) over.push({ ...reading.entry, forMs });
    }
    if (over.length > 0) firings.push({ subject: `worker:${worker.id}`, ...workerResourcesMessage(worker, over) });
  }
  // Workers that stopped or went silent start again from zero when they are back.
  const gone = (await redis.hkeys(sinceKey)).filter((field) => !seen.has(field));
  if (gone.length > 0) await redis.hdel(sinceKey, ...gone);
  await redis.pexpire(sinceKey, 7 * 86_400_000);
  return firings;
};

/**
 * A job's latest finished run reported data-quality problems: a job says so by counting them
 * (`ctx.count('problems', n)`, as leaderboard-validation does) and may list them in its result
 * (`problems: [{ message }]`). It clears when a later run counts fewer than `minProblems`.
 */
const dataQuality: Check<Extract<StateCondition, { type: 'data-quality' }>> = async (condition, context) => {
  const jobs = await jobsInScope(context);
  if (jobs.length === 0) return [];
  const rows = await context.db.$queryRaw<{ jobName: string; id: string; finishedAt: Date | null; updatedAt: Date; counters: unknown; result: unknown; error: string | null }[]>`
    SELECT job.name AS "jobName", latest.id, latest."finishedAt", latest."updatedAt", latest.counters, latest.result, latest.error
    FROM unnest(${jobs}::text[]) AS job(name)
    CROSS JOIN LATERAL (
      SELECT id, "finishedAt", "updatedAt", counters, result, error FROM "JobRun"
      WHERE "jobName" = job.name AND status IN ('failed', 'completed')
      ORDER BY "queuedAt" DESC, id DESC LIMIT 1
    ) AS latest`;
  return rows.flatMap((row) => {
    const problems = (row.counters as Record<string, unknown> | null)?.problems;
    if (typeof problems !== 'number' || problems < condition.minProblems) return [];
    const listed = (row.result as { problems?: unknown } | null)?.problems;
    const messages = Array.isArray(listed)
      ? listed.flatMap((entry) => (typeof entry === 'string' ? [entry] : typeof (entry as { message?: unknown })?.message === 'string' ? [(entry as { message: string }).message] : []))
      : row.error
        ? [row.error]
        : [];
    return [{ subject: row.jobName, runId: row.id, ...dataQualityMessage({ jobName: row.jobName, runId: row.id, finishedAt: row.finishedAt ?? row.updatedAt, problems, listed: messages }, context.publicUrl) }];
  });
};

/** Which subjects are firing for a rule's state condition now. */
export function checkCondition(condition: StateCondition, context: ConditionContext): Promise<Firing[]> {
  switch (condition.type) {
    case 'long-running':
      return longRunning(condition, context);
    case 'error-rate':
      return errorRate(condition, context);
    case 'consecutive-failures':
      return consecutiveFailures(condition, context);
    case 'missed-schedule':
      return missedSchedule(condition, context);
    case 'backlog':
      return backlog(condition, context);
    case 'worker-offline':
      return workerOffline(condition, context);
    case 'worker-resources':
      return workerResources(condition, context);
    case 'data-quality':
      return dataQuality(condition, context);
  }
}
