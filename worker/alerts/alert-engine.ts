import type { Redis } from 'ioredis';
import type { AlertRule } from '@/generated/prisma/client.ts';
import type { Db } from '@/lib/db.ts';
import { findJob } from '@/lib/jobs/catalog.ts';
import { kickoffKeys, RedisLock } from '@/lib/locks/redis-lock.ts';
import { logger } from '@/lib/logger.ts';
import { alertChannelSchema, alertConditionSchema, alertScopeSchema } from '@/lib/validations/alerts.ts';
import { runFailedMessage } from './alert-messages.ts';
import { DeliveryError, type TelegramChannel } from './telegram-channel.ts';

export interface AlertEngineOptions {
  db: Db;
  redis: Redis;
  prefix: string;
  owner: string;
  /** Telegram delivery; without a bot token Telegram channels record an error. */
  telegram: TelegramChannel | null;
  publicUrl: string;
  /** How often to look for new transitions and due deliveries. Default: 1000 ms. */
  intervalMs?: number;
}

const maxAttempts = 8;

/**
 * Raises alerts from run transitions and delivers them, off the jobs' path: it reads the run
 * rows the status writer wrote (a cursor in Redis), so it never slows a job. One worker
 * evaluates at a time (a Redis lock). A rule fires once per subject and cooldown; repeats are
 * counted on the open alert; the job's next success resolves it.
 */
export class AlertEngine {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly options: AlertEngineOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs ?? 1_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const lock = new RedisLock(this.options.redis, kickoffKeys.alertsLock(this.options.prefix));
      await lock.withLock(this.options.owner, 30_000, async () => {
        await this.evaluate();
        await this.deliver();
      });
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'alert evaluation failed');
    } finally {
      this.running = false;
    }
  }

  private async evaluate(): Promise<void> {
    const { db, redis, prefix } = this.options;
    const cursorKey = kickoffKeys.alertsCursor(prefix);
    const since = new Date(Number((await redis.get(cursorKey)) ?? Date.now() - 60_000));
    const rules = (await db.alertRule.findMany({ where: { enabled: true } })).filter((rule) => alertConditionSchema.safeParse(rule.condition).success);
    if (rules.length === 0) {
      await redis.set(cursorKey, String(Date.now()));
      return;
    }
    const finished = await db.jobRun.findMany({
      where: { status: { in: ['failed', 'completed'] }, updatedAt: { gt: since } },
      orderBy: { updatedAt: 'asc' },
      take: 1_000,
    });
    for (const run of finished) {
      if (run.status === 'completed') {
        // The job works again: its open run-failed alerts resolve themselves.
        await db.alert.updateMany({ where: { subject: run.jobName, status: { in: ['open', 'acknowledged'] }, ruleId: { in: rules.filter((rule) => conditionType(rule) === 'run-failed').map((rule) => rule.id) } }, data: { status: 'resolved', resolvedAt: new Date() } });
        continue;
      }
      for (const rule of rules.filter((candidate) => conditionType(candidate) === 'run-failed' && inScope(candidate, run.jobName))) {
        const { title, text } = runFailedMessage(
          { jobName: run.jobName, runId: run.id, finishedAt: run.finishedAt ?? run.updatedAt, durationMs: run.durationMs, error: run.error, attempt: run.attempt, maxAttempts: run.maxAttempts },
          this.options.publicUrl,
        );
        await this.raise(rule, run.jobName, title, text, run.id);
      }
    }
    const last = finished.at(-1);
    if (last) await redis.set(cursorKey, String(last.updatedAt.getTime()));
  }

  /** Opens an alert, or counts a repeat on the one still inside the rule's cooldown. */
  private async raise(rule: AlertRule, subject: string, title: string, message: string, runId: string | null): Promise<void> {
    const { db } = this.options;
    const cooldownStart = new Date(Date.now() - rule.cooldownMinutes * 60_000);
    const recent = await db.alert.findFirst({ where: { ruleId: rule.id, subject, status: { in: ['open', 'acknowledged'] }, firstAt: { gte: cooldownStart } }, orderBy: { firstAt: 'desc' } });
    if (recent) {
      await db.alert.update({ where: { id: recent.id }, data: { count: { increment: 1 }, lastAt: new Date() } });
      return;
    }
    const channels = (rule.channels as unknown[]).map((channel) => alertChannelSchema.safeParse(channel)).flatMap((parsed) => (parsed.success && parsed.data.type !== 'dashboard' ? [parsed.data] : []));
    await db.alert.create({
      data: {
        ruleId: rule.id,
        subject,
        severity: rule.severity,
        title,
        message,
        runId,
        deliveries: { create: rule.severity === 'info' ? [] : channels.map((channel) => ({ channel })) },
      },
    });
  }

  /** Sends what is due; a failed send waits with backoff (or as long as Telegram asks). */
  private async deliver(): Promise<void> {
    const { db } = this.options;
    const due = await db.alertDelivery.findMany({ where: { sentAt: null, attempts: { lt: maxAttempts }, nextAttemptAt: { lte: new Date() } }, include: { alert: true }, take: 50 });
    for (const delivery of due) {
      const channel = alertChannelSchema.safeParse(delivery.channel);
      try {
        if (!channel.success) throw new DeliveryError('unknown channel');
        let externalId: string | null = null;
        if (channel.data.type === 'telegram') {
          if (!this.options.telegram) throw new DeliveryError('TELEGRAM_BOT_TOKEN is not set');
          externalId = await this.options.telegram.send(channel.data.chatId, delivery.alert.message, delivery.alertId);
        } else if (channel.data.type === 'webhook') {
          const response = await fetch(channel.data.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ id: delivery.alertId, title: delivery.alert.title, severity: delivery.alert.severity, subject: delivery.alert.subject, runId: delivery.alert.runId }),
            signal: AbortSignal.timeout(10_000),
          });
          if (!response.ok) throw new DeliveryError(`webhook answered ${response.status}`);
        }
        await db.alertDelivery.update({ where: { id: delivery.id }, data: { sentAt: new Date(), attempts: { increment: 1 }, externalId, lastError: null } });
      } catch (error) {
        const waitMs = (error instanceof DeliveryError && error.retryAfterMs) || Math.min(300_000, 2_000 * 2 ** delivery.attempts);
        await db.alertDelivery.update({
          where: { id: delivery.id },
          data: { attempts: { increment: 1 }, lastError: error instanceof Error ? error.message : String(error), nextAttemptAt: new Date(Date.now() + waitMs) },
        });
      }
    }
  }
}

function conditionType(rule: AlertRule): string {
  return (rule.condition as { type?: string }).type ?? '';
}

function inScope(rule: AlertRule, jobName: string): boolean {
  const scope = alertScopeSchema.safeParse(rule.scope);
  if (!scope.success) return false;
  if ('job' in scope.data) return scope.data.job === jobName;
  if ('category' in scope.data) return findJob(jobName)?.category === scope.data.category;
  return true;
}
