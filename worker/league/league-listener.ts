import pg from 'pg';
import { findJob } from '@/lib/jobs/catalog.ts';
import { db } from '@/lib/db.ts';
import { activeStatuses } from '@/lib/jobs/run-state.ts';
import { leagueChannel, leagueNotificationSchema, runsForNotification, samePayload, type LeagueNotification, type NotifiedRun } from '@/lib/league/league-notifications.ts';
import { logger } from '@/lib/logger.ts';
import { countNotification, countNotificationRun, notificationKind } from '@/lib/metrics/league-metrics.ts';
import { createRuns } from '@/lib/runs/create-runs.ts';

export interface LeagueListenerOptions {
  databaseUrl: string;
  /** Wait before listening again after the connection drops. Default: 2000 ms */
  reconnectMs?: number;
  /**
   * Called by the one worker that counted a gameweek going live (its deadline passed, its
   * kick-offs follow): the league start warms that gameweek's cache keys there.
   */
  onGameweekLive?: (eventId: number) => Promise<unknown>;
  /** Called once a notification has been dealt with, with the jobs it asked runs of (tests wait on it). */
  onHandled?: (notification: LeagueNotification, asked: string[]) => void;
}

/**
 * LISTENs for the league changes the database announces and queues the runs they call for
 * (trigger `event`). Every worker listens; the runs' requestIds make one change one run.
 */
export class LeagueListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LeagueListenerOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    const client = new pg.Client({ connectionString: this.options.databaseUrl });
    this.client = client;
    client.on('notification', (message) => void this.handle(message.payload));
    const reconnect = (error?: Error) => {
      if (this.stopped || this.client !== client) return;
      logger.warn({ err: error?.message }, 'league listener lost its connection; listening again');
      this.client = undefined;
      client.end().catch(() => {});
      this.reconnectTimer = setTimeout(() => void this.start().catch((retryError: unknown) => reconnect(retryError as Error)), this.options.reconnectMs ?? 2_000);
    };
    client.on('error', reconnect);
    client.on('end', () => reconnect());
    await client.connect();
    await client.query(`LISTEN ${leagueChannel}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => {});
    this.client = undefined;
  }

  private async handle(payload: string | undefined): Promise<void> {
    let notification;
    try {
      notification = leagueNotificationSchema.parse(JSON.parse(payload ?? ''));
    } catch (error) {
      logger.warn({ payload, err: error instanceof Error ? error.message : String(error) }, 'unreadable league notification');
      await countNotification(notificationKind(undefined), payload ?? '');
      return;
    }
    // Metrics: each NOTIFY counted once across the workers (the first to hear it), with the runs it caused below.
    const kind = notificationKind(notification);
    const first = await countNotification(kind, payload ?? '');
    if (first && kind === 'event-live' && this.options.onGameweekLive) {
      const eventId = notification.id;
      void this.options.onGameweekLive(eventId).catch((error: unknown) => logger.warn({ eventId, err: error instanceof Error ? error.message : String(error) }, 'gameweek cache not warmed'));
    }
    const runs = await withoutActiveTwins(runsForNotification(notification).filter((run) => findJob(run.job))).catch((error: unknown) => {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not read the active runs for a league change');
      return [];
    });
    if (runs.length === 0) {
      this.options.onHandled?.(notification, []);
      return;
    }
    // The run pipeline applies every switch (pause, the job's own, stats-update's post-match source);
    // a payload that says where it came from (stats-update's `post-match`) names the run's source too.
    const outcomes = await createRuns(
      { kind: 'system', trigger: 'event', actor: 'database' },
      runs.map((run) => ({ job: run.job, payload: run.payload, requestId: run.requestId, source: typeof run.payload.source === 'string' ? run.payload.source : run.reason })),
    ).catch((error: unknown) => runs.map(() => ({ ok: false as const, error: error instanceof Error ? error : new Error(String(error)) })));
    outcomes.forEach((outcome, index) => {
      const { job, reason } = runs[index]!;
      if (!outcome.ok) void countNotificationRun(kind, job, 'failed');
      else if (outcome.created || outcome.coalesced) void countNotificationRun(kind, job, outcome.coalesced ? 'coalesced' : 'queued');
      if (!outcome.ok) logger.warn({ job, reason, err: outcome.error.message }, 'could not queue a run for a league change');
      else if (outcome.created || outcome.coalesced) logger.info({ runId: outcome.run.id, job, reason, status: outcome.run.status, coalesced: outcome.coalesced ?? false }, 'run queued by a league change');
    });
    this.options.onHandled?.(notification, runs.map((run) => run.job));
  }
}

/**
 * Drops the runs an equal run already queued or running covers: the change is in the data it
 * reads (a scheduled live-scores-update of the same gameweek sees the kick-off it is asked about).
 */
async function withoutActiveTwins(runs: NotifiedRun[]): Promise<NotifiedRun[]> {
  if (runs.length === 0) return runs;
  const active = await db().jobRun.findMany({
    where: { jobName: { in: [...new Set(runs.map((run) => run.job))] }, status: { in: [...activeStatuses] } },
    select: { id: true, jobName: true, payload: true },
  });
  return runs.filter((run) => {
    const twin = active.find((row) => row.jobName === run.job && samePayload(row.payload, run.payload));
    if (twin) logger.debug({ job: run.job, reason: run.reason, activeRunId: twin.id }, 'league change left to a run already queued or running');
    return !twin;
  });
}
