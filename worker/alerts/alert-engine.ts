import type { Redis } from 'ioredis';
import type { Alert, AlertRule } from '@/generated/prisma/client.ts';
import { digestMessage, maxDeliveryAttempts, reminderMessage, runFailedMessage } from '@/lib/alerts/alert-messages.ts';
import { DeliveryError, type TelegramChannel } from '@/lib/alerts/telegram-channel.ts';
import type { Db } from '@/lib/db.ts';
import { RedisLock } from '@/lib/locks/redis-lock.ts';
import { kickoffKeys } from '@/lib/redis-keys.ts';
import { logger } from '@/lib/logger.ts';
import { queues as defaultQueues, type QueueSet } from '@/lib/queue/queues.ts';
import { alertChannelSchema, alertConditionSchema, alertScopeSchema } from '@/lib/validations/alerts.ts';
import { checkCondition, type AlertCondition, type AlertScope, type Firing } from './alert-conditions.ts';

export interface AlertEngineOptions {
  db: Db;
  redis: Redis;
  prefix: string;
  owner: string;
  /** Telegram delivery; without a bot token Telegram deliveries record that as their error. */
  telegram: TelegramChannel | null;
  /** Where the dashboard is, for links in messages. */
  publicUrl: string;
  /** The category queues, for the backlog condition. Default: the process's queues. */
  queues?: () => QueueSet;
  /** How often to look for run transitions and due deliveries. Default: 1000 ms. */
  intervalMs?: number;
  /** How often to check the state conditions (long-running, backlog, worker-offline, …) without a transition. Default: 15000 ms. */
  checkIntervalMs?: number;
  /** How often an open critical alert is sent again until someone acknowledges it. Default: 300000 ms (5 minutes). */
  criticalRepeatMs?: number;
  /** Warnings are collected and sent together at multiples of this. Default: 3600000 ms (hourly). */
  digestIntervalMs?: number;
  /** The clock; tests move it. Default: the system clock. */
  now?: () => Date;
}

interface ParsedRule {
  rule: AlertRule;
  condition: AlertCondition;
  scope: AlertScope;
}

/**
 * Raises alerts and delivers them, off the jobs' path: it reads the run rows the status writer
 * wrote (a cursor in Redis) and the state it checks (runs, queues, heartbeats), so it never
 * slows or blocks a job. One worker evaluates at a time (a Redis lock).
 *
 * - `run-failed` fires per failed run; the other conditions fire while a state holds and
 *   resolve themselves when it clears. `run-failed` resolves on the job's next success.
 * - One alert per rule and subject stays open and counts repeats. A subject that fires again
 *   within the rule's cooldown after resolving reopens its alert without a new message.
 * - critical: sent at once and again every 5 minutes until acknowledged; warning: into the
 *   hourly digest for its channel, again after the cooldown if it keeps happening;
 *   info: dashboard only.
 */
export class AlertEngine {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | null = null;
  private lastCheckAt = 0;
  private readonly now: () => Date;

  constructor(private readonly options: AlertEngineOptions) {
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    this.timer = setInterval(() => {
      if (!this.current) void this.tick();
    }, this.options.intervalMs ?? 1_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One round: transitions, state conditions when due, reminders, deliveries. Waits for a round in progress first. */
  async tick(): Promise<void> {
    while (this.current) await this.current;
    this.current = this.round().finally(() => (this.current = null));
    return this.current;
  }

  private async round(): Promise<void> {
    try {
      const lock = new RedisLock(this.options.redis, kickoffKeys.alertsLock(this.options.prefix));
      await lock.withLock(this.options.owner, 30_000, async () => {
        const rules = await this.enabledRules();
        const transitions = await this.evaluateTransitions(rules);
        const now = this.now().getTime();
        // (A clock set back counts as due.)
        if (transitions > 0 || now < this.lastCheckAt || now - this.lastCheckAt >= (this.options.checkIntervalMs ?? 15_000)) {
          this.lastCheckAt = now;
          await this.evaluateStates(rules);
          await this.remind(rules);
        }
        await this.deliver();
      });
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'alert evaluation failed');
    }
  }

  private async enabledRules(): Promise<ParsedRule[]> {
    const rules = await this.options.db.alertRule.findMany({ where: { enabled: true } });
    return rules.flatMap((rule) => {
      const condition = alertConditionSchema.safeParse(rule.condition);
      const scope = alertScopeSchema.safeParse(rule.scope);
      return condition.success && scope.success ? [{ rule, condition: condition.data, scope: scope.data }] : [];
    });
  }

  /** Failed and completed runs since the cursor: run-failed alerts, and resolution on success. Returns how many it read. */
  private async evaluateTransitions(rules: ParsedRule[]): Promise<number> {
    const { db, redis, prefix } = this.options;
    const cursorKey = kickoffKeys.alertsCursor(prefix);
    const since = new Date(Number((await redis.get(cursorKey)) ?? this.now().getTime() - 60_000));
    const finished = await db.jobRun.findMany({ where: { status: { in: ['failed', 'completed'] }, updatedAt: { gt: since } }, orderBy: { updatedAt: 'asc' }, take: 1_000 });
    const last = finished.at(-1);
    if (last) await redis.set(cursorKey, String(last.updatedAt.getTime()));
    const runFailedRules = rules.filter(({ condition }) => condition.type === 'run-failed');
    const categories = new Map((await db.jobDefinition.findMany({ select: { name: true, category: true } })).map((job) => [job.name, job.category]));
    for (const run of finished) {
      if (run.status === 'completed') {
        await this.resolve({ ruleId: { in: runFailedRules.map(({ rule }) => rule.id) }, subject: run.jobName });
        continue;
      }
      for (const { rule } of runFailedRules.filter(({ scope }) => inScope(scope, run.jobName, categories.get(run.jobName)))) {
        const message = runFailedMessage(
          { jobName: run.jobName, runId: run.id, finishedAt: run.finishedAt ?? run.updatedAt, durationMs: run.durationMs, error: run.error, attempt: run.attempt, maxAttempts: run.maxAttempts },
          this.options.publicUrl,
        );
        await this.raise(rule, { subject: run.jobName, runId: run.id, ...message }, 'occurrence');
      }
    }
    return finished.length;
  }

  /** Every state condition: open what fires, resolve what cleared. One rule failing to check does not stop the others. */
  private async evaluateStates(rules: ParsedRule[]): Promise<void> {
    const { db, redis, prefix, publicUrl } = this.options;
    for (const { rule, condition, scope } of rules) {
      if (condition.type === 'run-failed') continue;
      try {
        const firings = await checkCondition(condition, { db, redis, prefix, publicUrl, queues: this.options.queues ?? defaultQueues, now: this.now(), ruleId: rule.id, scope });
        for (const firing of firings) await this.raise(rule, firing, 'state');
        await this.resolve({ ruleId: rule.id, subject: { notIn: firings.map((firing) => firing.subject) } });
      } catch (error) {
        logger.warn({ ruleId: rule.id, err: error instanceof Error ? error.message : String(error) }, 'alert rule check failed');
      }
    }
  }

  private async resolve(where: { ruleId: string | { in: string[] }; subject: string | { notIn: string[] } }): Promise<void> {
    await this.options.db.alert.updateMany({ where: { ...where, status: { in: ['open', 'acknowledged'] } }, data: { status: 'resolved', resolvedAt: this.now() } });
  }

  /**
   * Opens an alert for a rule and subject, or notes a repeat on the one already open.
   * `occurrence`: a discrete event (a failed run) that counts; `state`: a condition still holding.
   */
  private async raise(rule: AlertRule, firing: Firing, kind: 'occurrence' | 'state'): Promise<void> {
    const { db } = this.options;
    const now = this.now();
    const active = await db.alert.findFirst({ where: { ruleId: rule.id, subject: firing.subject, status: { in: ['open', 'acknowledged'] } }, orderBy: { firstAt: 'desc' } });
    if (active) {
      if (kind === 'state') {
        await db.alert.update({ where: { id: active.id }, data: { lastAt: now } });
        return;
      }
      const cooledDown = !active.notifiedAt || now.getTime() - active.notifiedAt.getTime() >= rule.cooldownMinutes * 60_000;
      // A warning that keeps happening goes into the digest again once per cooldown.
      const again = rule.severity === 'warning' && active.status === 'open' && cooledDown;
      await db.alert.update({
        where: { id: active.id },
        data: {
          count: { increment: 1 },
          lastAt: now,
          runId: firing.runId ?? active.runId,
          message: firing.text,
          ...(again ? { notifiedAt: now, deliveries: { create: this.deliveriesFor(rule, null) } } : {}),
        },
      });
      return;
    }
    const recentlyResolved = await db.alert.findFirst({
      where: { ruleId: rule.id, subject: firing.subject, status: 'resolved', resolvedAt: { gte: new Date(now.getTime() - rule.cooldownMinutes * 60_000) } },
      orderBy: { resolvedAt: 'desc' },
    });
    if (recentlyResolved) {
      // Flapping inside the cooldown: the same alert again, without a new message.
      await db.alert.update({
        where: { id: recentlyResolved.id },
        data: { status: 'open', resolvedAt: null, acknowledgedBy: null, acknowledgedAt: null, count: { increment: 1 }, lastAt: now, title: firing.title, message: firing.text, runId: firing.runId ?? null },
      });
      return;
    }
    const alert = await db.alert.create({
      data: {
        ruleId: rule.id,
        subject: firing.subject,
        severity: rule.severity,
        title: firing.title,
        message: firing.text,
        runId: firing.runId ?? null,
        firstAt: now,
        lastAt: now,
        notifiedAt: rule.severity === 'info' ? null : now,
        deliveries: { create: this.deliveriesFor(rule, null) },
      },
    });
    logger.info({ alertId: alert.id, ruleId: rule.id, subject: alert.subject, severity: alert.severity, runId: alert.runId ?? undefined }, 'alert raised');
  }

  /** The deliveries one notification of a rule makes: none for info, digest entries for warnings. */
  private deliveriesFor(rule: AlertRule, text: string | null) {
    if (rule.severity === 'info') return [];
    const digest = rule.severity === 'warning';
    const nextAttemptAt = digest ? this.nextDigestAt() : this.now();
    return channelsOf(rule).map((channel) => ({ channel, text, digest, nextAttemptAt }));
  }

  private nextDigestAt(): Date {
    const interval = this.options.digestIntervalMs ?? 3_600_000;
    return new Date(Math.floor(this.now().getTime() / interval) * interval + interval);
  }

  /** Critical alerts nobody acknowledged are sent again every `criticalRepeatMs`. */
  private async remind(rules: ParsedRule[]): Promise<void> {
    const { db } = this.options;
    const now = this.now();
    const repeatBefore = new Date(now.getTime() - (this.options.criticalRepeatMs ?? 300_000));
    const due = await db.alert.findMany({ where: { status: 'open', severity: 'critical', notifiedAt: { lte: repeatBefore } }, take: 100 });
    for (const alert of due) {
      const rule = rules.find((candidate) => candidate.rule.id === alert.ruleId)?.rule;
      if (!rule) continue;
      await db.alert.update({ where: { id: alert.id }, data: { notifiedAt: now, deliveries: { create: this.deliveriesFor(rule, reminderMessage(alert)) } } });
    }
  }

  /** Sends what is due; a failed send waits with backoff (or as long as Telegram asks). */
  private async deliver(): Promise<void> {
    const { db } = this.options;
    const due = await db.alertDelivery.findMany({
      where: { sentAt: null, attempts: { lt: maxDeliveryAttempts }, nextAttemptAt: { lte: this.now() } },
      include: { alert: true },
      orderBy: { createdAt: 'asc' },
      take: 200,
    });
    const digests = new Map<string, typeof due>();
    for (const delivery of due) {
      if (delivery.digest) {
        const key = JSON.stringify(delivery.channel);
        digests.set(key, [...(digests.get(key) ?? []), delivery]);
      } else {
        await this.send([delivery], delivery.text ?? delivery.alert.message, delivery.alert);
      }
    }
    for (const group of digests.values()) await this.send(group, digestMessage(group.map((delivery) => delivery.alert)), null);
  }

  /** One message to one channel on behalf of one or more deliveries (a digest). */
  private async send(deliveries: { id: string; channel: unknown; attempts: number; alertId: string }[], text: string, alert: Alert | null): Promise<void> {
    const { db } = this.options;
    const ids = deliveries.map((delivery) => delivery.id);
    const attempts = Math.max(...deliveries.map((delivery) => delivery.attempts));
    const channel = alertChannelSchema.safeParse(deliveries[0]!.channel);
    try {
      let externalId: string | null = null;
      if (!channel.success) throw new DeliveryError('unknown channel');
      if (channel.data.type === 'telegram') {
        if (!this.options.telegram) throw new DeliveryError('TELEGRAM_BOT_TOKEN is not set');
        externalId = await this.options.telegram.send(channel.data.chatId, text, alert?.id);
      } else if (channel.data.type === 'webhook') {
        await postWebhook(channel.data.url, alert ? alertPayload(alert) : { digest: true, alertIds: [...new Set(deliveries.map((delivery) => delivery.alertId))], text });
      }
      await db.alertDelivery.updateMany({ where: { id: { in: ids } }, data: { sentAt: this.now(), attempts: { increment: 1 }, externalId, lastError: null } });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const waitMs = (error instanceof DeliveryError && error.retryAfterMs) || Math.min(300_000, 2_000 * 2 ** attempts);
      logger.warn({ deliveryIds: ids, alertId: alert?.id, err: message, retryInMs: waitMs }, 'alert delivery failed');
      await db.alertDelivery.updateMany({ where: { id: { in: ids } }, data: { attempts: { increment: 1 }, lastError: message, nextAttemptAt: new Date(this.now().getTime() + waitMs) } });
    }
  }
}

function channelsOf(rule: AlertRule) {
  return (rule.channels as unknown[]).map((channel) => alertChannelSchema.safeParse(channel)).flatMap((parsed) => (parsed.success && parsed.data.type !== 'dashboard' ? [parsed.data] : []));
}

function inScope(scope: AlertScope, jobName: string, category: string | undefined): boolean {
  if ('job' in scope) return scope.job === jobName;
  if ('category' in scope) return scope.category === category;
  return true;
}

function alertPayload(alert: Alert) {
  return { id: alert.id, ruleId: alert.ruleId, title: alert.title, severity: alert.severity, subject: alert.subject, status: alert.status, runId: alert.runId, count: alert.count, firstAt: alert.firstAt, lastAt: alert.lastAt };
}

async function postWebhook(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'Kickoff-Alerts' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new DeliveryError(`webhook answered ${response.status}`);
}
