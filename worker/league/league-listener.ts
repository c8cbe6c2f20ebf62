import pg from 'pg';
import { findJob } from '@/lib/jobs/catalog.ts';
import { db } from '@/lib/db.ts';
import { statsUpdateJob } from '@/lib/jobs/definitions/league/stats-update.ts';
import { leagueChannel, leagueNotificationSchema, runsForNotification, type NotifiedRun } from '@/lib/league/league-notifications.ts';
import { logger } from '@/lib/logger.ts';
import { enqueueRun } from '@/lib/runs/enqueue-run.ts';
import { readSettings } from '@/lib/settings.ts';

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
        const refusal = await refusalForNotifiedRun(run);
        if (refusal) {
          logger.info({ job: run.job, reason: run.reason, refusal }, 'run not queued for a league change');
          continue;
        }
        // A payload that says where it came from (stats-update's `post-match`) names the run's source too.
        const source = typeof run.payload.source === 'string' ? run.payload.source : run.reason;
        const { run: queued, created } = await enqueueRun(run.job, { trigger: 'event', payload: run.payload, requestId: run.requestId, source, actor: 'database' });
        if (created) logger.info({ runId: queued.id, job: run.job, reason: run.reason }, 'run queued by a league change');
      } catch (error) {
        logger.warn({ job: run.job, reason: run.reason, err: error instanceof Error ? error.message : String(error) }, 'could not queue a run for a league change');
      }
    }
  }
}

/** Why a run a league change calls for must not be queued now (a setting switched it off), or null. */
async function refusalForNotifiedRun(run: NotifiedRun): Promise<string | null> {
  if (run.job === statsUpdateJob.name && !(await readSettings(db()))['stats.postMatch']) return 'Post-match stats are switched off in Settings';
  return null;
}
