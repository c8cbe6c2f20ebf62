import type { Redis } from 'ioredis';
import type { LookupFunction } from 'node:net';
import { BrokenCircuitError, circuitBreaker, CircuitState, ConsecutiveBreaker, handleWhen, TaskCancelledError, timeout, TimeoutStrategy, wrap, type IPolicy } from 'cockatiel';
import type { Alert } from '@/generated/prisma/client.ts';
import type { Db } from '../db.ts';
import { logger } from '../logger.ts';
import { guardedFetch } from '../net/guarded-fetch.ts';
import type { OutboundPolicy } from '../net/outbound-policy.ts';
import { kickoffKeys } from '../redis-keys.ts';
import { alertChannelSchema } from '../validations/alerts.ts';
import { alertEmail, digestEmail, type DeliveryKind } from './alert-email.ts';
import { digestMessage, maxDeliveryAttempts } from './alert-messages.ts';
import { channelKey, type ChannelState } from './channel-health.ts';
import type { EmailChannel } from './email-channel.ts';
import { DeliveryError, type TelegramChannel } from './telegram-channel.ts';

export interface AlertDispatcherOptions {
  db: Db;
  redis: Redis;
  prefix: string;
  /** Telegram delivery; without a bot token Telegram deliveries record that as their error. */
  telegram: TelegramChannel | null;
  /** E-mail delivery (SMTP_URL); without it e-mail deliveries record that as their error. */
  email: EmailChannel | null;
  /** Where the dashboard is: e-mails link to the Alerts page. */
  publicUrl: string;
  /** Where webhooks may go (WEBHOOK_ALLOWED_HOSTS), and in tests how names resolve. */
  webhooks: { policy: OutboundPolicy; lookup?: LookupFunction };
  /** The deadline of one call to a channel (ALERT_DELIVERY_TIMEOUT_MS). */
  timeoutMs: number;
  /** Consecutive failures after which a channel's breaker opens. Default: 3. */
  breakAfter?: number;
  /** How long an open breaker waits before one trial call. Default: 60000 ms. */
  halfOpenAfterMs?: number;
  now?: () => Date;
}

type DueDelivery = Awaited<ReturnType<AlertDispatcher['due']>>[number];

/**
 * Sends the due deliveries, off the evaluation loop: each channel (a Telegram chat, a webhook
 * URL, an e-mail address) is a lane of its own, lanes run in parallel, and a lane that is still busy is left
 * alone by the next round, so a channel that hangs delays nobody but itself.
 *
 * - every call has a deadline (the channel's own, and a cockatiel timeout behind it);
 * - a channel failing `breakAfter` times in a row opens its cockatiel breaker: its deliveries
 *   wait (without spending attempts) until one trial call after `halfOpenAfterMs` succeeds;
 * - each delivery is claimed in PostgreSQL before it is sent (a lease of the deadline), so two
 *   processes dispatching at once (a worker that comes back while the web app's watchdog
 *   stands in) never send the same message twice;
 * - each channel's state goes to a Redis hash the web app reads (lib/alerts/channel-health.ts).
 *   Breakers live in the process that sends; only one process evaluates alerts at a time, so
 *   the hash holds the view of whoever delivered last.
 */
export class AlertDispatcher {
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly policies = new Map<string, { policy: IPolicy; breaker: ReturnType<typeof circuitBreaker> }>();
  private readonly now: () => Date;

  constructor(private readonly options: AlertDispatcherOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Starts a lane for every channel with something due and no lane running; returns once they are started. */
  async dispatch(): Promise<void> {
    const due = await this.due();
    const byChannel = new Map<string, DueDelivery[]>();
    for (const delivery of due) {
      const key = channelKey(delivery.channel);
      byChannel.set(key, [...(byChannel.get(key) ?? []), delivery]);
    }
    for (const [key, deliveries] of byChannel) {
      if (this.lanes.has(key)) continue;
      const lane = this.runLane(key, deliveries)
        .catch((error: unknown) => logger.warn({ channel: key, err: error instanceof Error ? error.message : String(error) }, 'alert delivery lane failed'))
        .finally(() => this.lanes.delete(key));
      this.lanes.set(key, lane);
    }
  }

  /** Waits for every lane running now (tests, and a process that stops). */
  async idle(): Promise<void> {
    while (this.lanes.size > 0) await Promise.allSettled([...this.lanes.values()]);
  }

  private due() {
    return this.options.db.alertDelivery.findMany({
      where: { sentAt: null, attempts: { lt: maxDeliveryAttempts }, nextAttemptAt: { lte: this.now() } },
      include: { alert: true },
      orderBy: { createdAt: 'asc' },
      take: 200,
    });
  }

  /** One channel's messages, one after another: each alert on its own, the warnings as one digest. */
  private async runLane(key: string, deliveries: DueDelivery[]): Promise<void> {
    const digest = deliveries.filter((delivery) => delivery.digest);
    for (const delivery of deliveries.filter((candidate) => !candidate.digest)) await this.send(key, [delivery], delivery.text ?? delivery.alert.message, delivery.alert, delivery.kind);
    if (digest.length > 0) await this.send(key, digest, digestMessage(digest.map((delivery) => delivery.alert)), null, 'alert');
  }

  private policyFor(key: string) {
    let entry = this.policies.get(key);
    if (!entry) {
      // Telegram asking to wait (retry_after) is not the channel failing.
      const breaker = circuitBreaker(
        handleWhen((error) => !(error instanceof DeliveryError && error.retryAfterMs)),
        { halfOpenAfter: this.options.halfOpenAfterMs ?? 60_000, breaker: new ConsecutiveBreaker(this.options.breakAfter ?? 3) },
      );
      breaker.onStateChange((state) => logger.warn({ channel: key, state: CircuitState[state] }, state === CircuitState.Open ? 'alert channel failing: breaker open' : 'alert channel breaker changed'));
      // A second deadline behind the channel's own, so a lane always moves on.
      entry = { breaker, policy: wrap(breaker, timeout(this.options.timeoutMs + 1_000, TimeoutStrategy.Aggressive)) };
      this.policies.set(key, entry);
    }
    return entry;
  }

  /** Claims the deliveries (a lease of the deadline), so no other process sends them meanwhile; returns those it got. */
  private async claim(ids: string[]): Promise<string[]> {
    const now = this.now();
    const lease = new Date(now.getTime() + this.options.timeoutMs + 5_000);
    const rows = await this.options.db.$queryRaw<{ id: string }[]>`
      UPDATE "AlertDelivery" SET "nextAttemptAt" = ${lease}
      WHERE id = ANY(${ids}::text[]) AND "sentAt" IS NULL AND "nextAttemptAt" <= ${now}
      RETURNING id`;
    return rows.map((row) => row.id);
  }

  /** One message to one channel on behalf of one or more deliveries (a digest). */
  private async send(key: string, deliveries: DueDelivery[], text: string, alert: Alert | null, kind: DeliveryKind): Promise<void> {
    const { db } = this.options;
    const ids = await this.claim(deliveries.map((delivery) => delivery.id));
    if (ids.length === 0) return;
    const claimed = deliveries.filter((delivery) => ids.includes(delivery.id));
    const attempts = Math.max(...claimed.map((delivery) => delivery.attempts));
    const { policy, breaker } = this.policyFor(key);
    try {
      const externalId = await policy.execute(({ signal }) => this.call(claimed, text, alert, kind, signal));
      await db.alertDelivery.updateMany({ where: { id: { in: ids } }, data: { sentAt: this.now(), attempts: { increment: 1 }, externalId, lastError: null } });
      await this.report(key, null, breaker.state);
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        // The channel keeps failing: wait for the breaker's trial call without spending an attempt.
        const waitMs = this.options.halfOpenAfterMs ?? 60_000;
        const reason = await this.lastError(key);
        await db.alertDelivery.updateMany({ where: { id: { in: ids } }, data: { lastError: `channel paused after repeated failures${reason ? `: ${reason}` : ''}`, nextAttemptAt: new Date(this.now().getTime() + waitMs) } });
        return;
      }
      const message = error instanceof TaskCancelledError ? `did not answer within ${Math.round(this.options.timeoutMs / 100) / 10} s` : error instanceof Error ? error.message : String(error);
      const waitMs = (error instanceof DeliveryError && error.retryAfterMs) || Math.min(300_000, 2_000 * 2 ** attempts);
      logger.warn({ deliveryIds: ids, alertId: alert?.id, channel: key.split(':')[0], err: message, retryInMs: waitMs }, 'alert delivery failed');
      await db.alertDelivery.updateMany({ where: { id: { in: ids } }, data: { attempts: { increment: 1 }, lastError: message, nextAttemptAt: new Date(this.now().getTime() + waitMs) } });
      await this.report(key, message, breaker.state);
    }
  }

  private async call(deliveries: DueDelivery[], text: string, alert: Alert | null, kind: DeliveryKind, signal: AbortSignal): Promise<string | null> {
    const channel = alertChannelSchema.safeParse(deliveries[0]!.channel);
    if (!channel.success) throw new DeliveryError('unknown channel');
    if (channel.data.type === 'telegram') {
      if (!this.options.telegram) throw new DeliveryError('TELEGRAM_BOT_TOKEN is not set');
      // A resolved alert (a completed notice) has nothing to acknowledge: no button.
      return this.options.telegram.send(channel.data.chatId, text, alert && alert.status !== 'resolved' ? alert.id : undefined, signal);
    }
    if (channel.data.type === 'email') {
      if (!this.options.email) throw new DeliveryError('SMTP_URL is not set');
      const message = alert ? alertEmail(alert, kind, text, this.options.publicUrl) : digestEmail(deliveries.length, text);
      return this.options.email.send(channel.data.to, message, signal);
    }
    if (channel.data.type === 'webhook') {
      const body = alert ? { ...alertPayload(alert), kind } : { digest: true, alertIds: [...new Set(deliveries.map((delivery) => delivery.alertId))], text };
      await guardedFetch(channel.data.url, {
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', 'user-agent': 'Kickoff-Alerts' },
        timeoutMs: this.options.timeoutMs,
        policy: this.options.webhooks.policy,
        lookup: this.options.webhooks.lookup,
        signal,
      });
    }
    return null;
  }

  private healthKey(): string {
    return kickoffKeys.alertsChannelHealth(this.options.prefix);
  }

  private async lastError(key: string): Promise<string | null> {
    const raw = await this.options.redis.hget(this.healthKey(), key).catch(() => null);
    return raw ? (JSON.parse(raw) as ChannelState).lastError : null;
  }

  /** Publishes a channel's state for the Alerts page: gone when it works, its error and breaker state when it does not. */
  private async report(key: string, error: string | null, state: CircuitState): Promise<void> {
    const { redis } = this.options;
    try {
      if (error === null) {
        await redis.hdel(this.healthKey(), key);
        return;
      }
      const previous = await redis.hget(this.healthKey(), key);
      const before = previous ? (JSON.parse(previous) as ChannelState) : null;
      const now = this.now().toISOString();
      const next: ChannelState = {
        breaker: state === CircuitState.Open || state === CircuitState.Isolated ? 'open' : state === CircuitState.HalfOpen ? 'half-open' : 'closed',
        lastError: error,
        failures: (before?.failures ?? 0) + 1,
        failingSince: before?.failingSince ?? now,
        updatedAt: now,
      };
      await redis.hset(this.healthKey(), key, JSON.stringify(next));
      await redis.pexpire(this.healthKey(), 7 * 86_400_000);
    } catch (failure) {
      logger.warn({ err: failure instanceof Error ? failure.message : String(failure) }, 'alert channel state not recorded');
    }
  }
}

function alertPayload(alert: Alert) {
  return { id: alert.id, ruleId: alert.ruleId, title: alert.title, severity: alert.severity, subject: alert.subject, status: alert.status, runId: alert.runId, count: alert.count, firstAt: alert.firstAt, lastAt: alert.lastAt, escalatedAt: alert.escalatedAt };
}
