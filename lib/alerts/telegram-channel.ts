import { Telegram } from 'telegraf';

export class DeliveryError extends Error {
  constructor(
    message: string,
    /** When the channel asked us to wait (Telegram's retry_after), in ms. */
    readonly retryAfterMs?: number,
    /** Telegram's error code (400 bad chat id, 403 bot blocked, 429 …); undefined when Telegram was not reached. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * Sends alert messages through the Telegram Bot API (TELEGRAM_API_ROOT, e.g. a local fake in
 * tests). Used by the worker (alerts) and the web app ("Send test message"); the token never
 * leaves the server.
 */
export class TelegramChannel {
  readonly telegram: Telegram;

  constructor(token: string, apiRoot: string) {
    this.telegram = new Telegram(token, { apiRoot });
  }

  /** Sends an HTML message, with an "Acknowledge" button when it is about an alert; returns Telegram's message id. */
  async send(chatId: string | number, text: string, alertId?: string): Promise<string> {
    return this.call(async () => {
      const message = await this.telegram.sendMessage(chatId, text, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        ...(alertId ? { reply_markup: { inline_keyboard: [[{ text: 'Acknowledge', callback_data: `ack:${alertId}` }]] } } : {}),
      });
      return String(message.message_id);
    });
  }

  /** Replaces a sent message's text and drops its buttons. */
  async edit(chatId: string | number, messageId: number, text: string): Promise<void> {
    await this.call(() => this.telegram.editMessageText(chatId, messageId, undefined, text, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } }));
  }

  /** Telegram's errors as DeliveryError, keeping the wait it asked for. */
  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const { parameters, code } = error as { parameters?: { retry_after?: number }; code?: unknown };
      const retryAfter = parameters?.retry_after;
      throw new DeliveryError(error instanceof Error ? error.message : String(error), retryAfter ? retryAfter * 1_000 : undefined, typeof code === 'number' ? code : undefined);
    }
  }
}
