import type { JobDefinition as JobRow } from '@/generated/prisma/client.ts';
import { db, Prisma } from '../db.ts';
import { NotFoundError } from '../errors.ts';
import { allJobs, findJob } from '../jobs/catalog.ts';
import type { JobDefinition, ScheduleOptions } from '../jobs/define-job.ts';
import { describeSchedule, nextFireTimes } from '../jobs/schedule.ts';
import type { RunStatus } from '../jobs/run-state.ts';

export interface JobSummaryDto {
  name: string;
  category: string;
  description: string;
  priority: string;
  schedule: { cron: string | null; tz: string | null; everyMs: number | null; words: string; next: string[] } | null;
  window: { hours: string; tz: string } | null;
  exclusive: { lockTtlMs: number } | null;
  retry: { attempts: number; backoff: string; delayMs: number };
  timeoutMs: number;
  dependsOn: string[];
  /** Jobs that run after this one succeeds. */
  dependents: string[];
  enabled: boolean;
  pausedUntil: string | null;
  /** False until a worker has synced this job into the database. */
  synced: boolean;
  lastRun: { id: string; status: RunStatus; queuedAt: string; finishedAt: string | null; durationMs: number | null } | null;
  stats24h: { total: number; completed: number; failed: number; successRate: number | null; p50DurationMs: number | null };
}

interface StatsRow {
  jobName: string;
  total: bigint | number | null;
  completed: bigint | number | null;
  failed: bigint | number | null;
  p50: number | null;
}

interface LastRunRow {
  jobName: string;
  id: string;
  status: RunStatus;
  queuedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
}

/** The catalog as code defines it, with what the database knows: run-time settings, last run, 24 h stats. */
export async function listJobs(): Promise<JobSummaryDto[]> {
  const jobs = allJobs();
  const [rows, stats, lastRuns] = await Promise.all([
    db().jobDefinition.findMany(),
    // Counts come from the hourly roll-up; the typical duration from each job's last 100 completed runs.
    db().$queryRaw<StatsRow[]>`
      SELECT counts."jobName", counts.total, counts.completed, counts.failed, durations.p50
      FROM (
        SELECT "jobName", sum(runs) AS total,
          sum(runs) FILTER (WHERE status = 'completed') AS completed,
          sum(runs) FILTER (WHERE status = 'failed') AS failed
        FROM "RunHourlyCount" WHERE hour >= date_trunc('hour', now() - interval '24 hours') GROUP BY 1
      ) counts
      CROSS JOIN LATERAL (
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY recent."durationMs") AS p50 FROM (
          SELECT "durationMs" FROM "JobRun" WHERE "jobName" = counts."jobName" AND status = 'completed'
          ORDER BY "queuedAt" DESC, id DESC LIMIT 100
        ) recent
      ) durations`,
    // One index probe per job in the catalog, not a pass over every run. Each probe names its
    // job as a value the planner sees: through a lateral join it guessed an average job, chose
    // the (queuedAt, id) index and read the whole table for jobs that have never run.
    db().$queryRaw<LastRunRow[]>`${Prisma.join(
      jobs.map(
        (job) => Prisma.sql`(SELECT "jobName", id, status::text AS status, "queuedAt", "finishedAt", "durationMs"
          FROM "JobRun" WHERE "jobName" = ${job.name} ORDER BY "queuedAt" DESC, id DESC LIMIT 1)`,
      ),
      ' UNION ALL ',
    )}`,
  ]);
  const rowByName = new Map(rows.map((row) => [row.name, row]));
  const statsByName = new Map(stats.map((row) => [row.jobName, row]));
  const lastByName = new Map(lastRuns.map((row) => [row.jobName, row]));
  return jobs.map((job) => ({
    ...toJobSummary(job, rowByName.get(job.name), statsByName.get(job.name), lastByName.get(job.name)),
    dependents: jobs.filter((other) => other.dependsOn.includes(job.name)).map((other) => other.name),
  }));
}

export interface JobDetailDto extends JobSummaryDto {
  config: unknown;
  configVersion: number;
  /** JSON Schemas of the payload and the config, for forms. */
  payloadSchema: unknown;
  configSchema: unknown;
}

export async function getJob(name: string): Promise<JobDetailDto> {
  const job = findJob(name);
  if (!job) throw new NotFoundError('Job', name);
  const found = (await listJobs()).find((summary) => summary.name === name);
  if (!found) throw new NotFoundError('Job', name);
  const row = await db().jobDefinition.findUnique({ where: { name } });
  const contract = (row?.contract ?? {}) as { payloadSchema?: unknown; configSchema?: unknown };
  return {
    ...found,
    config: row?.config ?? job.config.parse({}),
    configVersion: row?.configVersion ?? 1,
    payloadSchema: contract.payloadSchema ?? null,
    configSchema: contract.configSchema ?? null,
  };
}

function toJobSummary(job: JobDefinition, row: JobRow | undefined, stats: StatsRow | undefined, last: LastRunRow | undefined): Omit<JobSummaryDto, 'dependents'> {
  const schedule = ((row?.scheduleOverride as ScheduleOptions | null | undefined) ?? job.schedule) || null;
  const completed = Number(stats?.completed ?? 0);
  const failed = Number(stats?.failed ?? 0);
  return {
    name: job.name,
    category: job.category,
    description: job.description,
    priority: job.priority,
    schedule: schedule
      ? {
          cron: 'cron' in schedule ? schedule.cron : null,
          tz: 'cron' in schedule ? (schedule.tz ?? 'UTC') : null,
          everyMs: 'every' in schedule ? schedule.every : null,
          words: describeSchedule(schedule),
          next: nextFireTimes(schedule, 3).map((date) => date.toISOString()),
        }
      : null,
    window: job.window,
    exclusive: job.exclusive,
    retry: job.retry,
    timeoutMs: job.timeoutMs,
    dependsOn: job.dependsOn,
    enabled: row?.enabled ?? true,
    pausedUntil: row?.pausedUntil?.toISOString() ?? null,
    synced: Boolean(row),
    lastRun: last
      ? { id: last.id, status: last.status, queuedAt: last.queuedAt.toISOString(), finishedAt: last.finishedAt?.toISOString() ?? null, durationMs: last.durationMs }
      : null,
    stats24h: {
      total: Number(stats?.total ?? 0),
      completed,
      failed,
      successRate: completed + failed > 0 ? completed / (completed + failed) : null,
      p50DurationMs: stats?.p50 == null ? null : Math.round(Number(stats.p50)),
    },
  };
}
