import pg from 'pg';
import { findJob } from '@/lib/jobs/catalog.ts';
import { leagueChannel, leagueNotificationSchema, runsForNotification } from '@/lib/league/league-notifications.ts';
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
    const runs = runsForNotification(notification).filter((run) => findJob(run.job));
    if (runs.length === 0) return;
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
  }
}
