import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Db } from '../db.ts';
import { db as defaultDb } from '../db.ts';
import { env } from '../env.ts';
import { logger } from '../logger.ts';
import { outboundPolicy } from '../net/outbound-policy.ts';
import { redis as defaultRedis } from '../redis.ts';
import { kickoffKeys } from '../redis-keys.ts';
import { AlertEngine, type AlertEngineOptions } from './alert-engine.ts';
import { EmailChannel } from './email-channel.ts';
import { TelegramChannel } from './telegram-channel.ts';

export interface AlertWatchdogOptions extends Omit<AlertEngineOptions, 'scope' | 'intervalMs' | 'checkIntervalMs'> {
  /** How often to look. Default: 5000 ms. */
  intervalMs?: number;
  /** A worker's last evaluation older than this means no worker evaluates alerts. Default: 30000 ms. */
  staleAfterMs?: number;
}

/**
 * The web app keeps watch when no worker does. Alerts are evaluated inside workers, so the
 * one failure that stops every job (the only worker hung, crashed, or never started) would be
 * the one nobody hears about. Every `intervalMs` the watchdog reads the mark each worker's
 * alert round leaves in Redis; when it is older than `staleAfterMs`, it runs the alert engine
 * itself for the worker-offline rules only ("worker X offline", or "no worker running") and
 * delivers through the same channels.
 *
 * It cannot race a worker that comes back: its round takes the same Redis lock as the
 * workers' engine (and does nothing while a worker holds it), an open alert is updated rather
 * than opened again, and each delivery is claimed before it is sent. Once a worker's round
 * runs again, the mark is fresh and the watchdog stands down.
 */
export class AlertWatchdog {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private standingIn = false;
  /** Workers get the same grace after the web app starts (they may simply start later), so a restart of everything raises nothing. */
  private readonly startedAt = Date.now();
  readonly engine: AlertEngine;

  constructor(private readonly options: AlertWatchdogOptions) {
    this.engine = new AlertEngine({ ...options, scope: 'watchdog', checkIntervalMs: 0 });
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      void this.tick().finally(() => (this.busy = false));
    }, this.options.intervalMs ?? 5_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.engine.stop();
  }

  /** One look: stands in (returns true) when no worker has evaluated alerts recently. */
  async tick(): Promise<boolean> {
    const { redis, prefix } = this.options;
    try {
      const mark = Number((await redis.get(kickoffKeys.alertsEvaluatedAt(prefix))) ?? 0);
      const staleMs = Date.now() - Math.max(mark, this.startedAt);
      if (staleMs < (this.options.staleAfterMs ?? 30_000)) {
        if (this.standingIn) logger.info('a worker evaluates alerts again: the web app stands down');
        this.standingIn = false;
        return false;
      }
      if (!this.standingIn) {
        logger.warn({ lastWorkerRoundAt: mark ? new Date(mark).toISOString() : null }, 'no worker has evaluated alerts recently: the web app evaluates the worker-offline rules');
      }
      this.standingIn = true;
      await this.engine.tick();
      return true;
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'alert watchdog failed');
      return false;
    }
  }
}

const globalForWatchdog = globalThis as unknown as { kickoffAlertWatchdog?: AlertWatchdog };

/**
 * The web process's watchdog, configured from the environment and started once per process.
 * instrumentation.ts calls it when the Next.js server starts.
 */
export function startAlertWatchdog(overrides: Partial<AlertWatchdogOptions> & { db?: Db; redis?: Redis } = {}): AlertWatchdog {
  if (globalForWatchdog.kickoffAlertWatchdog) return globalForWatchdog.kickoffAlertWatchdog;
  const settings = env();
  const watchdog = new AlertWatchdog({
    db: defaultDb(),
    redis: defaultRedis(),
    prefix: settings.QUEUE_PREFIX,
    owner: `web:${hostname()}:${process.pid}`,
    telegram: settings.TELEGRAM_BOT_TOKEN ? new TelegramChannel(settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_API_ROOT, settings.ALERT_DELIVERY_TIMEOUT_MS) : null,
    email: settings.SMTP_URL ? new EmailChannel(settings.SMTP_URL, settings.SMTP_FROM, settings.ALERT_DELIVERY_TIMEOUT_MS) : null,
    webhooks: { policy: outboundPolicy(settings.WEBHOOK_ALLOWED_HOSTS) },
    deliveryTimeoutMs: settings.ALERT_DELIVERY_TIMEOUT_MS,
    publicUrl: settings.PUBLIC_URL ?? `http://localhost:${settings.PORT}`,
    ...overrides,
  });
  watchdog.start();
  globalForWatchdog.kickoffAlertWatchdog = watchdog;
  return watchdog;
}
