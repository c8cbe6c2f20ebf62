import type { Redis } from 'ioredis';
import type { LookupFunction } from 'node:net';
import type { z } from 'zod';
import type { AlertRule } from '@/generated/prisma/client.ts';
import type { Db } from '../db.ts';
import { RedisLock } from '../locks/redis-lock.ts';
import { logger } from '../logger.ts';
import { openInternetOnly, type OutboundPolicy } from '../net/outbound-policy.ts';
import { queues as defaultQueues, type QueueSet } from '../queue/queues.ts';
import { kickoffKeys } from '../redis-keys.ts';
import { alertChannelSchema, alertConditionSchema, alertEscalationSchema, alertScopeSchema } from '../validations/alerts.ts';
import { checkCondition, isTransitionCondition, type AlertCondition, type AlertScope, type Firing } from './alert-conditions.ts';
import { AlertDispatcher } from './alert-dispatcher.ts';
import type { DeliveryKind } from './alert-email.ts';
import { escalationMessage, reminderMessage, runCompletedMessage, runFailedMessage } from './alert-messages.ts';
import { channelKey } from './channel-health.ts';
import type { EmailChannel } from './email-channel.ts';
import { defaultDeliveryTimeoutMs, type TelegramChannel } from './telegram-channel.ts';

export interface AlertEngineOptions {
  db: Db;
  redis: Redis;
  prefix: string;
  owner: string;
  /** Telegram delivery; without a bot token Telegram deliveries record that as their error. */
  telegram: TelegramChannel | null;
  /** E-mail delivery (SMTP_URL); without it e-mail deliveries record that as their error. */
  email?: EmailChannel | null;
  /** Where webhooks may go (WEBHOOK_ALLOWED_HOSTS) and, in tests, how names resolve. Default: public addresses only. */
  webhooks?: { policy: OutboundPolicy; lookup?: LookupFunction };
  /** The deadline of one call to a channel. Default: 10000 ms (ALERT_DELIVERY_TIMEOUT_MS). */
  deliveryTimeoutMs?: number;
  /** A channel's breaker: opens after `breakAfter` failures in a row, tries again after `halfOpenAfterMs`. Default: 3, 60000 ms. */
  breaker?: { breakAfter?: number; halfOpenAfterMs?: number };
  /**
   * `all` (a worker): every rule. `watchdog` (the web app standing in for absent workers,
   * lib/alerts/alert-watchdog.ts): only the worker-offline rules, no run transitions.
   */
  scope?: 'all' | 'watchdog';
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

/** How long a worker's last evaluation round counts as "a worker evaluates alerts" (the mark in Redis). */
export const evaluationMarkTtlMs = 3_600_000;

interface ParsedRule {
  rule: AlertRule;
  condition: AlertCondition;
  scope: AlertScope;
  escalation: z.infer<typeof alertEscalationSchema> | null;
}

type Channel = z.infer<typeof alertChannelSchema>;

/**
 * Raises alerts and delivers them, off the jobs' path: it reads the run rows the status writer
 * wrote (a cursor in Redis) and the state it checks (runs, queues, heartbeats), so it never
 * slows or blocks a job. One process evaluates at a time (a Redis lock); sending is the
 * dispatcher's, after the round and outside the lock (lib/alerts/alert-dispatcher.ts), so a
 * channel that hangs never holds up the evaluation or another channel.
 *
 * - `run-failed` fires per failed run; the other conditions fire while a state holds and
 *   resolve themselves when it clears. `run-failed` resolves on the job's next success.
 * - One alert per rule and subject stays open and counts repeats. A subject that fires again
 *   within the rule's cooldown after resolving reopens its alert without a new message.
 * - critical: sent at once and again every 5 minutes until acknowledged, and to the rule's
 *   escalation channels too once nobody acknowledged it for `escalation.afterMinutes`;
 *   warning: into the hourly digest for its channel, again after the cooldown if it keeps
 *   happening; info: dashboard only.
 * - `run-completed` is a notice, not a problem: recorded resolved (nothing to acknowledge), at
 *   most one per job per cooldown, and a warning one is sent at once rather than in the digest.
 */
export class AlertEngine {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | null = null;
  private lastCheckAt = 0;
  private readonly now: () => Date;
  readonly dispatcher: AlertDispatcher;

  constructor(private readonly options: AlertEngineOptions) {
    this.now = options.now ?? (() => new Date());
    this.dispatcher = new AlertDispatcher({
      db: options.db,
      redis: options.redis,
      prefix: options.prefix,
      telegram: options.telegram,
      email: options.email ?? null,
      publicUrl: options.publicUrl,
      webhooks: options.webhooks ?? { policy: openInternetOnly },
      timeoutMs: options.deliveryTimeoutMs ?? defaultDeliveryTimeoutMs,
      breakAfter: options.breaker?.breakAfter,
      halfOpenAfterMs: options.breaker?.halfOpenAfterMs,
      now: this.now,
    });
  }

  start(): void {
    this.timer = setInterval(() => {
      if (!this.current) void this.tick();
    }, this.options.intervalMs ?? 1_000);
    this.timer.unref();
  }

  /** Stops evaluating; resolves once the round and the deliveries in flight are done (each within its deadline). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.current;
    await this.dispatcher.idle();
  }

  /**
   * One round: transitions, state conditions when due, reminders, then the due deliveries are
   * started (not awaited). Waits for a round in progress first. Returns false when another
   * process held the lock.
   */
  async tick(): Promise<boolean> {
    while (this.current) await this.current;
    const round = this.round();
    this.current = round.then(() => undefined).finally(() => (this.current = null));
    return round;
  }

  private async round(): Promise<boolean> {
    const { redis, prefix, owner } = this.options;
    const watchdog = this.options.scope === 'watchdog';
    try {
      const lock = new RedisLock(redis, kickoffKeys.alertsLock(prefix));
      const { ran } = await lock.withLock(owner, 30_000, async () => {
        const rules = await this.enabledRules();
        const transitions = watchdog ? 0 : await this.evaluateTransitions(rules);
        const now = this.now().getTime();
        // (A clock set back counts as due.)
        if (watchdog || transitions > 0 || now < this.lastCheckAt || now - this.lastCheckAt >= (this.options.checkIntervalMs ?? 15_000)) {
          this.lastCheckAt = now;
          await this.evaluateStates(rules);
          await this.remind(rules);
        }
        // The web app's watchdog stands in while this mark is old (lib/alerts/alert-watchdog.ts).
        if (!watchdog) await redis.set(kickoffKeys.alertsEvaluatedAt(prefix), String(Date.now()), 'PX', evaluationMarkTtlMs);
      });
      if (ran) await this.dispatcher.dispatch();
      return ran;
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'alert evaluation failed');
      return false;
    }
  }

  private async enabledRules(): Promise<ParsedRule[]> {
    const rules = await this.options.db.alertRule.findMany({ where: { enabled: true } });
    return rules.flatMap((rule) => {
      const condition = alertConditionSchema.safeParse(rule.condition);
      const scope = alertScopeSchema.safeParse(rule.scope);
      if (!condition.success || !scope.success) return [];
      if (this.options.scope === 'watchdog' && condition.data.type !== 'worker-offline') return [];
      const escalation = rule.escalation === null ? null : alertEscalationSchema.safeParse(rule.escalation);
      return [{ rule, condition: condition.data, scope: scope.data, escalation: escalation?.success ? escalation.data : null }];
    });
  }

  /** Failed and completed runs since the cursor: run-failed alerts, completed notices, and resolution on success. Returns how many it read. */
  private async evaluateTransitions(rules: ParsedRule[]): Promise<number> {
    const { db, redis, prefix } = this.options;
    const cursorKey = kickoffKeys.alertsCursor(prefix);
    const runFailedRules = rules.filter(({ condition }) => condition.type === 'run-failed');
    const runCompletedRules = rules.filter(({ condition }) => condition.type === 'run-completed');
    // No rule reads finished runs: read none (a rule made later starts from a minute back, as on a first start).
    if (runFailedRules.length === 0 && runCompletedRules.length === 0) {
      await redis.del(cursorKey);
      return 0;
    }
    const since = new Date(Number((await redis.get(cursorKey)) ?? this.now().getTime() - 60_000));
    const finished = await db.jobRun.findMany({
      // finishedAt is set on every finished run; testing it lets the planner use the finished runs' updatedAt index.
      where: { status: { in: ['failed', 'completed'] }, finishedAt: { not: null }, updatedAt: { gt: since } },
      orderBy: { updatedAt: 'asc' },
      take: 1_000,
      select: { id: true, jobName: true, status: true, updatedAt: true, finishedAt: true, durationMs: true, attempt: true, maxAttempts: true, result: true, counters: true, error: true, errorStack: true },
    });
    const last = finished.at(-1);
    if (last) await redis.set(cursorKey, String(last.updatedAt.getTime()));
    const categories = new Map((await db.jobDefinition.findMany({ select: { name: true, category: true } })).map((job) => [job.name, job.category]));
    const inScopeOf = (candidates: ParsedRule[], jobName: string) => candidates.filter(({ scope }) => inScope(scope, jobName, categories.get(jobName)));
    // A job's run-failed alerts are resolved by its first success after them: later successes in the same batch have nothing left to resolve.
    const resolvedJobs = new Set<string>();
    for (const run of finished) {
      if (run.status === 'completed') {
        if (runFailedRules.length > 0 && !resolvedJobs.has(run.jobName)) {
          await this.resolve({ ruleId: { in: runFailedRules.map(({ rule }) => rule.id) }, subject: run.jobName });
          resolvedJobs.add(run.jobName);
        }
        for (const { rule, condition } of inScopeOf(runCompletedRules, run.jobName)) {
          const minDurationMs = condition.type === 'run-completed' ? (condition.minDurationMs ?? 0) : 0;
          if ((run.durationMs ?? 0) < minDurationMs) continue;
          const message = runCompletedMessage(
            { jobName: run.jobName, runId: run.id, finishedAt: run.finishedAt ?? run.updatedAt, durationMs: run.durationMs, attempt: run.attempt, result: run.result, counters: run.counters },
            this.options.publicUrl,
          );
          await this.notice(rule, { subject: run.jobName, runId: run.id, ...message });
        }
        continue;
      }
      const failedRules = inScopeOf(runFailedRules, run.jobName);
      if (failedRules.length > 0) resolvedJobs.delete(run.jobName);
      for (const { rule } of failedRules) {
        const message = runFailedMessage(
          { jobName: run.jobName, runId: run.id, finishedAt: run.finishedAt ?? run.updatedAt, durationMs: run.durationMs, error: run.error, stack: run.errorStack, attempt: run.attempt, maxAttempts: run.maxAttempts },
          this.options.publicUrl,
        );
        await this.raise(rule, { subject: run.jobName, runId: run.id, ...message }, 'occurrence');
      }
    }
    return finished.length;
  }

  /**
   * A completed run's notice: an alert recorded resolved (there is nothing to acknowledge), with
   * its message sent at once unless the rule is info (dashboard only). Another completion of
   * the job within the cooldown is counted on the last notice instead of sent.
   */
  private async notice(rule: AlertRule, firing: Firing): Promise<void> {
    const { db } = this.options;
    const now = this.now();
    const recent = await db.alert.findFirst({ where: { ruleId: rule.id, subject: firing.subject, firstAt: { gte: new Date(now.getTime() - rule.cooldownMinutes * 60_000) } }, orderBy: { firstAt: 'desc' } });
    if (recent && rule.cooldownMinutes > 0) {
      await db.alert.update({ where: { id: recent.id }, data: { count: { increment: 1 }, lastAt: now, runId: firing.runId ?? recent.runId, message: firing.text } });
      return;
    }
    const deliveries = rule.severity === 'info' ? [] : channelsOf(rule).map((channel) => ({ channel, text: null, digest: false, nextAttemptAt: now }));
    await db.alert.create({
      data: {
        ruleId: rule.id,
        subject: firing.subject,
        severity: rule.severity,
        status: 'resolved',
        resolvedAt: now,
        title: firing.title,
        message: firing.text,
        runId: firing.runId ?? null,
        firstAt: now,
        lastAt: now,
        notifiedAt: deliveries.length > 0 ? now : null,
        deliveries: { create: deliveries },
      },
    });
  }

  /** Every state condition: open what fires, resolve what cleared. One rule failing to check does not stop the others. */
  private async evaluateStates(rules: ParsedRule[]): Promise<void> {
    const { db, redis, prefix, publicUrl } = this.options;
    for (const { rule, condition, scope } of rules) {
      if (isTransitionCondition(condition)) continue;
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
      await db.alert
        .update({
          where: { id: recentlyResolved.id },
          data: { status: 'open', resolvedAt: null, acknowledgedBy: null, acknowledgedAt: null, count: { increment: 1 }, lastAt: now, title: firing.title, message: firing.text, runId: firing.runId ?? null },
        })
        .catch(ignoreIfOpenedElsewhere);
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
    }).catch(ignoreIfOpenedElsewhere);
    if (!alert) return;
    logger.info({ alertId: alert.id, ruleId: rule.id, subject: alert.subject, severity: alert.severity, runId: alert.runId ?? undefined }, 'alert raised');
  }

  /** The deliveries one notification of a rule makes: none for info, digest entries for warnings. */
  private deliveriesFor(rule: AlertRule, text: string | null, kind: DeliveryKind = 'alert', channels: Channel[] = channelsOf(rule)) {
    if (rule.severity === 'info') return [];
    const digest = rule.severity === 'warning';
    const nextAttemptAt = digest ? this.nextDigestAt() : this.now();
    return channels.map((channel) => ({ channel, text, digest, kind, nextAttemptAt }));
  }

  private nextDigestAt(): Date {
    const interval = this.options.digestIntervalMs ?? 3_600_000;
    return new Date(Math.floor(this.now().getTime() / interval) * interval + interval);
  }

  /**
   * Critical alerts nobody acknowledged: first escalated (to the rule's escalation channels,
   * once, when open `afterMinutes` since they first fired), then sent again every
   * `criticalRepeatMs`, to the escalation channels too once escalated.
   */
  private async remind(rules: ParsedRule[]): Promise<void> {
    const { db } = this.options;
    const now = this.now();
    for (const { rule, escalation } of rules) {
      if (!escalation || rule.severity !== 'critical') continue;
      const due = await db.alert.findMany({ where: { ruleId: rule.id, status: 'open', severity: 'critical', escalatedAt: null, firstAt: { lte: new Date(now.getTime() - escalation.afterMinutes * 60_000) } }, take: 100 });
      for (const alert of due) {
        // The escalation counts as this round's message: the next reminder is criticalRepeatMs later.
        const escalated = await db.alert.updateMany({ where: { id: alert.id, status: 'open', escalatedAt: null }, data: { escalatedAt: now, notifiedAt: now } });
        if (escalated.count === 0) continue;
        await db.alertDelivery.createMany({ data: this.deliveriesFor(rule, escalationMessage(alert, escalation.afterMinutes), 'escalation', escalation.channels).map((delivery) => ({ ...delivery, alertId: alert.id })) });
        logger.warn({ alertId: alert.id, ruleId: rule.id, subject: alert.subject, afterMinutes: escalation.afterMinutes }, 'alert escalated: nobody acknowledged it');
      }
    }
    const repeatBefore = new Date(now.getTime() - (this.options.criticalRepeatMs ?? 300_000));
    const due = await db.alert.findMany({ where: { status: 'open', severity: 'critical', notifiedAt: { lte: repeatBefore } }, take: 100 });
    for (const alert of due) {
      const parsed = rules.find((candidate) => candidate.rule.id === alert.ruleId);
      if (!parsed) continue;
      const channels = alert.escalatedAt && parsed.escalation ? uniqueChannels([...channelsOf(parsed.rule), ...parsed.escalation.channels]) : channelsOf(parsed.rule);
      await db.alert.update({ where: { id: alert.id }, data: { notifiedAt: now, deliveries: { create: this.deliveriesFor(parsed.rule, reminderMessage(alert), 'reminder', channels) } } });
    }
  }
}

/**
 * PostgreSQL keeps one active alert per rule and subject (a partial unique index): when another
 * process opened it first (a worker back from a pause while the web app's watchdog stood in),
 * that one stands and this firing is dropped rather than sent twice.
 */
function ignoreIfOpenedElsewhere(error: unknown): null {
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'P2002' || /Alert_one_active_per_rule_subject|23505/.test(message ?? '')) return null;
  throw error;
}

function channelsOf(rule: AlertRule): Channel[] {
  return (rule.channels as unknown[]).map((channel) => alertChannelSchema.safeParse(channel)).flatMap((parsed) => (parsed.success && parsed.data.type !== 'dashboard' ? [parsed.data] : []));
}

/** A chat or an address named in both sets gets one message. */
function uniqueChannels(channels: Channel[]): Channel[] {
  return [...new Map(channels.map((channel) => [channelKey(channel), channel])).values()];
}

function inScope(scope: AlertScope, jobName: string, category: string | undefined): boolean {
  if ('job' in scope) return scope.job === jobName;
  if ('category' in scope) return scope.category === category;
  return true;
}
