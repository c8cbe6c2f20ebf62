import pg from 'pg';
import { findJob } from '@/lib/jobs/catalog.ts';
import { leagueChannel, leagueNotificationSchema, runsForNotification } from '@/lib/league/league-notifications.ts';
import { logger } from '@/lib/logger.ts';
import { enqueueRun } from '@/lib/runs/enqueue-run.ts';

export interface LeagueListenerOptions {
  databaseUrl: string;
  /** Wait before listening again after the connection drops. Default: 2000 ms */
  reconnectMs?: number;
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
      return;
    }
    for (const run of runsForNotification(notification)) {
      if (!findJob(run.job)) continue;
      try {
        const { run: queued, created } = await enqueueRun(run.job, { trigger: 'event', payload: run.payload, requestId: run.requestId, source: run.reason, actor: 'database' });
        if (created) logger.info({ runId: queued.id, job: run.job, reason: run.reason }, 'run queued by a league change');
      } catch (error) {
        logger.warn({ job: run.job, reason: run.reason, err: error instanceof Error ? error.message : String(error) }, 'could not queue a run for a league change');
      }
    }
  }
}
