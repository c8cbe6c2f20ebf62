import { Telegram } from 'telegraf';

export class DeliveryError extends Error {
  constructor(
    message: string,
    /** When the channel asked us to wait (Telegram's retry_after), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Sends alert messages through the Telegram Bot API (TELEGRAM_API_ROOT, e.g. a local fake in tests). */
export class TelegramChannel {
  private readonly telegram: Telegram;

  constructor(token: string, apiRoot: string) {
    this.telegram = new Telegram(token, { apiRoot });
  }

  /** Sends a message with an "Acknowledge" button; returns Telegram's message id. */
  async send(chatId: string | number, text: string, alertId: string): Promise<string> {
    try {
      const message = await this.telegram.sendMessage(chatId, text, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        reply_markup: { inline_keyboard: [[{ text: 'Acknowledge', callback_data: `ack:${alertId}` }]] },
      });
      return String(message.message_id);
    } catch (error) {
      const retryAfter = (error as { parameters?: { retry_after?: number } }).parameters?.retry_after;
      throw new DeliveryError(error instanceof Error ? error.message : String(error), retryAfter ? retryAfter * 1_000 : undefined);
    }
  }
}
