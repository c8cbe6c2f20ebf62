/**
 * The run store: every write to `JobRun` (and to its events) is here, each with its guard,
 * so one file shows who changes a run and when it may. A lint rule (eslint.config.mjs) keeps
 * `JobRun` writes out of every other file. The guards come from `lib/jobs/run-state.ts`.
 *
 * Writers:
 * - the run pipeline: `insertRuns` (queued rows, or `skipped` ones the policy stopped),
 *   `removeUnqueued` (a row whose BullMQ job could not be added);
 * - the worker's status writer: `writeTransitions` (batched, guarded by attempt and state
 *   rank), `writeEvents`, `writeProgress` (only while running);
 * - cancel: `cancelWaiting` (only a run not on a worker);
 * - the reconciler: `repairFromQueue` (only an active row), `markRequeued` (only the row as it
 *   was read, when it puts a run back on its queue);
 * - retention: `deleteFinishedBefore` (only final rows);
 * - a run the web process does itself when the queue is unreachable (stats-update's
 *   fallback): `startDirectRun` (a running row, attempt 1) and `finishDirectRun` (only while
 *   that row is running).
 */
import type pg from 'pg';
import type { JobRun } from '@/generated/prisma/client.ts';
import { db, Prisma, type Db } from '../db.ts';
import { finalStatuses, repairableStatuses, stateRank, waitingStatuses, type Priority, type RunAttempt, type RunStatus, type RunTrigger } from '../jobs/run-state.ts';

/** A row the run pipeline writes before its BullMQ job exists (or instead of one, when skipped). */
export interface NewRun {
  id: string;
  jobName: string;
  status: 'queued' | 'skipped';
  trigger: RunTrigger;
  source: string | null;
  actor: string | null;
  requestId: string | null;
  payload: unknown;
  maxAttempts: number;
  priority: Priority;
  retryOf: string | null;
  causedBy: string | null;
  replayOf?: string | null;
  /** For a skipped row: the reason. */
  reason?: string;
}

/**
 * Writes new rows in one statement. A row whose `(jobName, requestId)` is already taken is
 * not written (the caller returns the earlier run); the rows written come back.
 */
export async function insertRuns(rows: readonly NewRun[], client: Db = db()): Promise<JobRun[]> {
  const written: JobRun[] = [];
  // 1 000 rows a statement keeps each under PostgreSQL's 65 535 bound parameters.
  for (let start = 0; start < rows.length; start += 1_000) written.push(...(await insertChunk(rows.slice(start, start + 1_000), client)));
  return written;
}

function insertChunk(rows: readonly NewRun[], client: Db): Promise<JobRun[]> {
  const now = new Date();
  return client.jobRun.createManyAndReturn({
    data: rows.map((row) => ({
      id: row.id,
      jobName: row.jobName,
      status: row.status,
      trigger: row.trigger,
      source: row.source,
      actor: row.actor,
      requestId: row.requestId,
      payload: row.payload as Prisma.InputJsonValue,
      maxAttempts: row.maxAttempts,
      priority: row.priority,
      retryOf: row.retryOf,
      causedBy: row.causedBy,
      replayOf: row.replayOf ?? null,
      ...(row.status === 'skipped' ? { error: row.reason ?? null, finishedAt: now, durationMs: 0 } : {}),
    })),
    skipDuplicates: true,
  });
}

/** Removes queued rows whose BullMQ jobs could not be added (Redis away): nothing is left half-made. */
export async function removeUnqueued(ids: readonly string[], client: Db = db()): Promise<void> {
  if (ids.length === 0) return;
  await client.jobRun.deleteMany({ where: { id: { in: [...ids] }, status: 'queued', attempt: 0 } });
}

/** Ends a run that is not on a worker (queued or retrying) as cancelled; false when it was no longer waiting. */
export async function cancelWaiting(id: string, reason: string, client: Db = db()): Promise<boolean> {
  const { count } = await client.jobRun.updateMany({
    where: { id, status: { in: [...waitingStatuses] } },
    data: { status: 'cancelled', finishedAt: new Date(), error: reason },
  });
  return count === 1;
}

/** What BullMQ recorded for a run whose row never heard of it (or, for `cancelled`, that its job was taken off on purpose). */
export type QueueVerdict =
  | { status: 'completed'; finishedAt: Date; result: unknown }
  | { status: 'failed' | 'cancelled'; finishedAt: Date; error: string };

/** Brings an active row to the final state BullMQ recorded (transitions lost in a crash); false when it had moved on. */
export async function repairFromQueue(id: string, verdict: QueueVerdict, client: Db = db()): Promise<boolean> {
  const data =
    verdict.status === 'completed'
      ? { status: 'completed' as const, finishedAt: verdict.finishedAt, result: (verdict.result ?? undefined) as Prisma.InputJsonValue | undefined, progress: 100 }
      : { status: verdict.status, finishedAt: verdict.finishedAt, error: verdict.error };
  const { count } = await client.jobRun.updateMany({ where: { id, status: { in: [...repairableStatuses] } }, data });
  return count === 1;
}

/** An unfinished row as the reconciler read it: what a re-queue is guarded by. */
export interface RequeueGuard {
  id: string;
  status: 'queued' | 'running' | 'retrying';
  attempt: number;
  updatedAt: Date;
}

/**
 * Records that the reconciler puts a run back on its queue from its row (Redis no longer had
 * its BullMQ job), before it adds the job: a queued or retrying run stays so; a running one
 * waits for its next attempt (`retrying`; `attempt` keeps the number of the lost one, the next
 * is that + 1, and `error` says what happened). The note goes on the run's timeline, at the
 * lost attempt. Applies only to the row exactly as it was read (status, attempt, `updatedAt`),
 * so a run that moved on meanwhile, or that another pass already put back, is left alone:
 * false then, and the caller adds nothing.
 */
export async function markRequeued(run: RequeueGuard, note: string, client: Db = db()): Promise<boolean> {
  return client.$transaction(async (tx) => {
    const { count } = await tx.jobRun.updateMany({
      where: { id: run.id, status: run.status, attempt: run.attempt, updatedAt: run.updatedAt },
      data: run.status === 'running' ? { status: 'retrying', error: note, updatedAt: new Date() } : { updatedAt: new Date() },
    });
    if (count !== 1) return false;
    await tx.runEvent.create({ data: { runId: run.id, kind: 'log', level: 'warn', message: note.slice(0, 4_000), attempt: run.attempt } });
    return true;
  });
}

/** Progress, phase and counters of a running run (a run that has ended keeps its final values). */
export async function writeProgress(
  id: string,
  update: { progress?: number; phase?: string | null; counters?: Record<string, number> },
  client: Db = db(),
): Promise<void> {
  const data: { progress?: number; phase?: string | null; counters?: object } = {};
  if (update.progress !== undefined) data.progress = Math.max(0, Math.min(100, Math.round(update.progress)));
  if (update.phase !== undefined) data.phase = update.phase;
  if (update.counters) data.counters = update.counters;
  await client.jobRun.updateMany({ where: { id, status: 'running' }, data });
}

/** Deletes up to `batchSize` final runs queued before `cutoff`, oldest first (events go with them); returns how many. */
export function deleteFinishedBefore(cutoff: Date, batchSize: number, client: Db = db()): Promise<number> {
  return client.$executeRaw`
    DELETE FROM "JobRun" WHERE id IN (
      SELECT id FROM "JobRun" WHERE "queuedAt" < ${cutoff}
        AND status::text = ANY(${[...finalStatuses]})
      ORDER BY "queuedAt" LIMIT ${batchSize})`;
}

/** Notes on a run's timeline written outside an attempt (why it waits, what it was coalesced with). */
export async function noteOnRun(runId: string, message: string, fields?: Record<string, unknown>, client: Db = db()): Promise<void> {
  await client.runEvent.create({ data: { runId, kind: 'log', level: 'info', message: message.slice(0, 4_000), fields: (fields ?? undefined) as Prisma.InputJsonValue | undefined, attempt: 0 } });
}

/** A run's latest known state, folded by the worker's status writer from transitions not yet written. */
export interface RunTransition {
  id: string;
  jobName: string;
  status: RunStatus;
  trigger: RunTrigger;
  source: string | null;
  actor: string | null;
  requestId: string | null;
  payload: unknown;
  priority: Priority;
  queuedAt: string;
  maxAttempts: number;
  attempt: number;
  startedAt: string | null;
  finishedAt: string | null;
  workerId: string;
  /** `undefined`: leave the stored result alone. */
  result: unknown;
  error: string | null;
  errorStack: string | null;
  phase: string | null;
  counters: Record<string, number> | null;
  /** Attempts to add or replace (matched by number). */
  attempts: RunAttempt[];
}

export interface RunEventRow {
  runId: string;
  attempt: number;
  kind: 'phase' | 'log';
  level: string;
  message: string;
  fields: Record<string, unknown> | null;
  at: string;
}

type Sql = Pick<pg.Pool, 'query'>;

const sqlList = (statuses: readonly RunStatus[]) => statuses.map((status) => `'${status}'`).join(', ');
const rankOf = (column: string) => `(CASE ${column} ${Object.entries(stateRank).map(([status, rank]) => `WHEN '${status}' THEN ${rank}`).join(' ')} END)`;

/**
 * One upsert for a batch of transitions (a scheduled fire's row is created by its first
 * transition). The guard: a final row never changes, and a transition applies only when it
 * comes from a later attempt, or from the same attempt with a state rank at least as high.
 */
const transitionsSql = `INSERT INTO "JobRun" AS r (id, "jobName", status, trigger, source, actor, "requestId", payload, priority, "queuedAt",
    "maxAttempts", attempt, "startedAt", "finishedAt", "durationMs", "workerId", result, error, "errorStack",
    progress, phase, counters, attempts, "updatedAt")
  SELECT t.id, t."jobName", t.status::"RunStatus", t.trigger::"RunTrigger", t.source, t.actor, t."requestId",
    COALESCE(t.payload, '{}'::jsonb), t.priority::"JobPriority", t."queuedAt", t."maxAttempts", t.attempt, t."startedAt",
    t."finishedAt",
    CASE WHEN t."finishedAt" IS NOT NULL
      THEN GREATEST(0, (EXTRACT(EPOCH FROM (t."finishedAt" - COALESCE(t."startedAt", t."finishedAt"))) * 1000)::int) END,
    t."workerId", CASE WHEN t."hasResult" THEN t.result END, t.error, t."errorStack",
    CASE WHEN t.status = 'completed' THEN 100 ELSE 0 END, t.phase, COALESCE(t.counters, '{}'::jsonb),
    COALESCE(t.attempts, '[]'::jsonb), now()
  FROM jsonb_to_recordset($1::jsonb) AS t(id text, "jobName" text, status text, trigger text, source text, actor text,
    "requestId" text, payload jsonb, priority text, "queuedAt" timestamp, "maxAttempts" int, attempt int,
    "startedAt" timestamp, "finishedAt" timestamp, "workerId" text, result jsonb, "hasResult" boolean, error text,
    "errorStack" text, phase text, counters jsonb, attempts jsonb)
  ON CONFLICT (id) DO UPDATE SET
    status = EXCLUDED.status,
    attempt = GREATEST(r.attempt, EXCLUDED.attempt),
    "maxAttempts" = EXCLUDED."maxAttempts",
    "startedAt" = COALESCE(r."startedAt", EXCLUDED."startedAt"),
    "finishedAt" = EXCLUDED."finishedAt",
    "durationMs" = CASE WHEN EXCLUDED."finishedAt" IS NOT NULL
      THEN GREATEST(0, (EXTRACT(EPOCH FROM (EXCLUDED."finishedAt" - COALESCE(r."startedAt", EXCLUDED."startedAt", EXCLUDED."finishedAt"))) * 1000)::int) END,
    "workerId" = COALESCE(EXCLUDED."workerId", r."workerId"),
    result = COALESCE(EXCLUDED.result, r.result),
    error = EXCLUDED.error,
    "errorStack" = EXCLUDED."errorStack",
    progress = CASE WHEN EXCLUDED.status = 'completed' THEN 100 ELSE r.progress END,
    phase = COALESCE(EXCLUDED.phase, r.phase),
    counters = CASE WHEN EXCLUDED.counters = '{}'::jsonb THEN r.counters ELSE EXCLUDED.counters END,
    attempts = (
      SELECT COALESCE(jsonb_agg(entry ORDER BY (entry->>'attempt')::int), '[]'::jsonb) FROM (
        SELECT old.entry FROM jsonb_array_elements(r.attempts) AS old(entry)
        WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(EXCLUDED.attempts) AS new(entry) WHERE new.entry->'attempt' = old.entry->'attempt')
        UNION ALL SELECT new.entry FROM jsonb_array_elements(EXCLUDED.attempts) AS new(entry)
      ) merged),
    "updatedAt" = now()
  WHERE r.status NOT IN (${sqlList(finalStatuses)})
    AND (EXCLUDED.attempt > r.attempt OR (EXCLUDED.attempt = r.attempt AND ${rankOf('EXCLUDED.status')} >= ${rankOf('r.status')}))`;

/** Writes a batch of folded transitions in one statement. */
export async function writeTransitions(sql: Sql, rows: readonly RunTransition[]): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(rows.map((row) => ({ ...row, result: row.result === undefined ? null : row.result, hasResult: row.result !== undefined })));
  await sql.query(transitionsSql, [json]);
}

/** Appends a batch of events; events of runs that do not exist (any more) are dropped. */
export async function writeEvents(sql: Sql, events: readonly RunEventRow[]): Promise<void> {
  if (events.length === 0) return;
  await sql.query(
    `INSERT INTO "RunEvent" ("runId", attempt, kind, level, message, fields, at)
    SELECT e."runId", e.attempt, e.kind, e.level, e.message, e.fields, e.at
    FROM jsonb_to_recordset($1::jsonb) AS e("runId" text, attempt int, kind text, level text, message text, fields jsonb, at timestamp)
    WHERE EXISTS (SELECT 1 FROM "JobRun" WHERE id = e."runId")`,
    [JSON.stringify(events)],
  );
}

/** A run the web process carries out itself, not through a queue (stats-update's fallback). */
export interface DirectRun {
  id: string;
  jobName: string;
  trigger: RunTrigger;
  source: string;
  actor: string | null;
  payload: unknown;
  priority: Priority;
  /** Where it ran, for `workerId` (e.g. `web:host:pid`). */
  ranOn: string;
}

/** Writes a direct run's row as running from now, on its one attempt. */
export async function startDirectRun(run: DirectRun, client: Db = db()): Promise<JobRun> {
  const now = new Date();
  return client.jobRun.create({
    data: {
      id: run.id,
      jobName: run.jobName,
      status: 'running',
      trigger: run.trigger,
      source: run.source,
      actor: run.actor,
      payload: run.payload as Prisma.InputJsonValue,
      priority: run.priority,
      maxAttempts: 1,
      attempt: 1,
      queuedAt: now,
      startedAt: now,
      workerId: run.ranOn,
      attempts: [{ attempt: 1, at: now.toISOString(), workerId: run.ranOn } satisfies RunAttempt] as Prisma.InputJsonValue,
    },
  });
}

/** Ends a direct run (only while it is running): completed with its result, or failed with the error. */
export async function finishDirectRun(
  id: string,
  outcome: { status: 'completed'; result: unknown; counters?: Record<string, number> } | { status: 'failed'; error: string; counters?: Record<string, number> },
  client: Db = db(),
): Promise<JobRun | null> {
  const run = await client.jobRun.findUnique({ where: { id }, select: { startedAt: true, attempts: true } });
  if (!run) return null;
  const finishedAt = new Date();
  const attempt = { ...((run.attempts as Record<string, unknown>[] | null)?.[0] ?? { attempt: 1 }), finishedAt: finishedAt.toISOString(), ...(outcome.status === 'failed' ? { error: outcome.error } : {}) };
  const updated = await client.jobRun.updateMany({
    where: { id, status: 'running' },
    data: {
      status: outcome.status,
      finishedAt,
      durationMs: Math.max(0, finishedAt.getTime() - (run.startedAt ?? finishedAt).getTime()),
      progress: outcome.status === 'completed' ? 100 : undefined,
      result: outcome.status === 'completed' ? (outcome.result as Prisma.InputJsonValue) : undefined,
      error: outcome.status === 'failed' ? outcome.error : null,
      counters: (outcome.counters ?? {}) as Prisma.InputJsonValue,
      attempts: [attempt] as Prisma.InputJsonValue,
    },
  });
  return updated.count > 0 ? client.jobRun.findUnique({ where: { id } }) : null;
}
