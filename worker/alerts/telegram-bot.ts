import type { Redis } from 'ioredis';
import { Telegraf, type Context } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { User } from '@/generated/prisma/client.ts';
import { acknowledgedNote, escapeHtml } from '@/lib/alerts/alert-messages.ts';
import { changeAlert } from '@/lib/alerts/alerts.ts';
import { defaultDeliveryTimeoutMs, TelegramChannel } from '@/lib/alerts/telegram-channel.ts';
import type { Principal } from '@/lib/auth/principal.ts';
import type { Db } from '@/lib/db.ts';
import { ConflictError, NotFoundError } from '@/lib/errors.ts';
import { RedisLock } from '@/lib/locks/redis-lock.ts';
import { kickoffKeys } from '@/lib/redis-keys.ts';
import { logger } from '@/lib/logger.ts';
import { alertChannelSchema } from '@/lib/validations/alerts.ts';

export interface TelegramBotOptions {
  db: Db;
  redis: Redis;
  prefix: string;
  owner: string;
  token: string;
  apiRoot: string;
  /** Where the dashboard is, for links in replies. */
  publicUrl: string;
  /** Long-poll timeout of getUpdates, in seconds. Default: 25 */
  pollTimeoutSeconds?: number;
  /** Wait after a failed poll, or while another worker polls. Default: 5000 ms */
  idleMs?: number;
  /** The deadline of one call to the Bot API besides the long poll (ALERT_DELIVERY_TIMEOUT_MS). Default: 10000 ms */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * The bot's side of the conversation: the "Acknowledge" button on alert messages, and
 * `/status` and `/failed` in chats an admin linked to a Kickoff user. Updates come by
 * long-polling getUpdates; one worker polls at a time (a Redis lock, since Telegram allows one
 * poller per bot) and the offset lives in Redis so the next poller carries on.
 */
export class TelegramBot {
  private readonly bot: Telegraf;
  private readonly channel: TelegramChannel;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: TelegramBotOptions) {
    const timeoutMs = options.timeoutMs ?? defaultDeliveryTimeoutMs;
    // A Bot API that never answers must not hold the poll loop: handling one update (its replies
    // included) ends after a few deadlines, where telegraf's own calls would wait 500 s.
    this.bot = new Telegraf(options.token, { telegram: { apiRoot: options.apiRoot }, handlerTimeout: timeoutMs * 3 });
    this.channel = new TelegramChannel(options.token, options.apiRoot, timeoutMs);
    this.bot.action(/^ack:(.+)$/, (ctx) => this.acknowledge(ctx, ctx.match[1]!));
    this.bot.command('status', (ctx) => this.whenLinked(ctx, () => this.status()));
    this.bot.command('failed', (ctx) => this.whenLinked(ctx, () => this.failed()));
    this.bot.command(['start', 'help'], (ctx) =>
      ctx.reply(`Kickoff alerts bot. This chat's id is <code>${ctx.chat.id}</code>: an admin links it to a Kickoff user in Settings → Users. Then /status and /failed work here.`, { parse_mode: 'HTML' }),
    );
    this.bot.catch((error) => logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'telegram update failed'));
  }

  start(): void {
    this.loop = this.poll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await new RedisLock(this.options.redis, kickoffKeys.telegramPollLock(this.options.prefix)).release(this.options.owner);
  }

  /** Handles one update (what polling does with each); tests may call it directly. */
  handleUpdate(update: Update): Promise<void> {
    return this.bot.handleUpdate(update);
  }

  private async poll(): Promise<void> {
    const { redis, prefix, owner } = this.options;
    const timeout = this.options.pollTimeoutSeconds ?? 25;
    const idleMs = this.options.idleMs ?? 5_000;
    const lock = new RedisLock(redis, kickoffKeys.telegramPollLock(prefix));
    const lockTtlMs = (timeout + 30) * 1_000;
    while (!this.stopped) {
      try {
        const holding = (await lock.renew(owner, lockTtlMs)) || (await lock.acquire(owner, lockTtlMs)).acquired;
        if (!holding) {
          await sleep(idleMs);
          continue;
        }
        const offset = Number((await redis.get(kickoffKeys.telegramOffset(prefix))) ?? 0);
        // The long poll may last `timeout` s; past that and a deadline more, the Bot API is stuck.
        const deadline = AbortSignal.timeout(timeout * 1_000 + (this.options.timeoutMs ?? defaultDeliveryTimeoutMs));
        const updates = await this.bot.telegram.callApi(
          'getUpdates',
          { timeout, limit: 100, offset, allowed_updates: ['message', 'callback_query'] },
          { signal: deadline as unknown as NonNullable<Parameters<typeof this.bot.telegram.callApi>[2]>['signal'] },
        );
        for (const update of updates) {
          if (this.stopped) return;
          await this.handleUpdate(update);
          await redis.set(kickoffKeys.telegramOffset(prefix), String(update.update_id + 1));
        }
      } catch (error) {
        if (this.stopped) return;
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'telegram polling failed');
        await sleep(idleMs);
      }
    }
  }

  private async linkedUser(chatId: number | string): Promise<User | null> {
    return this.options.db.user.findFirst({ where: { telegramChatId: String(chatId), disabledAt: null } });
  }

  /** "Acknowledge" pressed: only on a message Kickoff sent to this chat for this alert. */
  private async acknowledge(ctx: Context, alertId: string): Promise<void> {
    const { db } = this.options;
    const message = ctx.callbackQuery?.message;
    const from = ctx.from;
    if (!message || !from) return;
    const deliveries = await db.alertDelivery.findMany({ where: { alertId, externalId: String(message.message_id) }, include: { alert: true } });
    const delivery = deliveries.find((candidate) => {
      const channel = alertChannelSchema.safeParse(candidate.channel);
      return channel.success && channel.data.type === 'telegram' && String(channel.data.chatId) === String(message.chat.id);
    });
    if (!delivery) {
      await ctx.answerCbQuery('This message is not an alert Kickoff sent here.');
      return;
    }
    const user = (await this.linkedUser(from.id)) ?? (await this.linkedUser(message.chat.id));
    const telegramName = from.username ? `@${from.username}` : [from.first_name, from.last_name].filter(Boolean).join(' ');
    const by = user ? user.name || user.email : `${telegramName} (Telegram)`;
    const principal: Principal = user
      ? { type: 'user', id: user.id, label: user.email, role: user.role, grants: (user.grants as string[]) ?? [] }
      : { type: 'telegram', id: String(from.id), label: `telegram:${telegramName}`, role: 'viewer', grants: [] };
    try {
      await changeAlert(alertId, 'ack', { principal }, { by, fromDeliveredMessage: true });
    } catch (error) {
      if (error instanceof ConflictError || error instanceof NotFoundError) {
        await ctx.answerCbQuery(error.message);
        return;
      }
      throw error;
    }
    await this.channel.edit(message.chat.id, message.message_id, (delivery.text ?? delivery.alert.message) + acknowledgedNote(by, new Date()));
    await ctx.answerCbQuery('Acknowledged');
  }

  private async whenLinked(ctx: Context, answer: () => Promise<string>): Promise<void> {
    if (!ctx.chat) return;
    if (!(await this.linkedUser(ctx.chat.id))) {
      await ctx.reply(`This chat is not linked to Kickoff. An admin links chat id <code>${ctx.chat.id}</code> to a user in Settings → Users.`, { parse_mode: 'HTML' });
      return;
    }
    await ctx.reply(await answer(), { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
  }

  /** Runs and failures in the last hour, and what is open. */
  private async status(): Promise<string> {
    const { db } = this.options;
    const since = new Date(Date.now() - 3_600_000);
    const [byStatus, failing, openAlerts] = await Promise.all([
      db.jobRun.groupBy({ by: ['status'], where: { queuedAt: { gte: since } }, _count: { _all: true } }),
      db.jobRun.groupBy({ by: ['jobName'], where: { status: 'failed', queuedAt: { gte: since } }, _count: { _all: true }, orderBy: { _count: { jobName: 'desc' } }, take: 5 }),
      db.alert.count({ where: { status: 'open' } }),
    ]);
    const total = byStatus.reduce((sum, row) => sum + row._count._all, 0);
    const counts = byStatus.map((row) => `${row.status} ${row._count._all}`).join(', ');
    const lines = [`📊 <b>Last hour</b>: ${total} runs${total ? ` (${counts})` : ''}`, `Open alerts: ${openAlerts}`];
    if (failing.length > 0) lines.push(`Failing: ${failing.map((row) => `${escapeHtml(row.jobName)} ×${row._count._all}`).join(', ')}`);
    return lines.join('\n');
  }

  /** The ten latest failed runs with their errors and links. */
  private async failed(): Promise<string> {
    const runs = await this.options.db.jobRun.findMany({ where: { status: 'failed' }, orderBy: { queuedAt: 'desc' }, take: 10 });
    if (runs.length === 0) return 'No failed runs. 🎉';
    const base = this.options.publicUrl.replace(/\/$/, '');
    const lines = runs.map((run) => {
      const error = (run.error ?? 'no error message').split('\n')[0]!.slice(0, 120);
      const at = (run.finishedAt ?? run.updatedAt).toISOString().slice(5, 16).replace('T', ' ');
      return `• <a href="${escapeHtml(`${base}/runs/${run.id}`)}">${escapeHtml(run.jobName)}</a> ${at} UTC: ${escapeHtml(error)}`;
    });
    return `🔴 <b>Recent failures</b>\n${lines.join('\n')}`;
  }
}
