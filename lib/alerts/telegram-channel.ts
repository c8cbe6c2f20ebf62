import { Telegram } from 'telegraf';

export class DeliveryError extends Error {
  constructor(
    message: string,
    /** When the channel asked us to wait (Telegram's retry_after), in ms. */
    readonly retryAfterMs?: number,
    /** Telegram's error code (400 bad chat id, 403 bot blocked, 429 …); undefined when Telegram was not reached. */
    readonly status?: number,
    /** The channel did not answer within its deadline. */
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** telegraf types its signal as the abort-controller shim's; node-fetch underneath takes Node's own. */
const telegrafSignal = (signal: AbortSignal) => ({ signal: signal as unknown as NonNullable<Parameters<Telegram['callApi']>[2]>['signal'] });

/** The default deadline of one call to a channel (ALERT_DELIVERY_TIMEOUT_MS). */
export const defaultDeliveryTimeoutMs = 10_000;

/**
 * Sends alert messages through the Telegram Bot API (TELEGRAM_API_ROOT, e.g. a local fake in
 * tests). Used by the worker (alerts) and the web app ("Send test message"); the token never
 * leaves the server. TELEGRAM_API_ROOT is the operator's and may be private, so it is not
 * guarded like a webhook; every call has a deadline instead (telegraf's own is 500 s).
 */
export class TelegramChannel {
  readonly telegram: Telegram;

  constructor(
    token: string,
    apiRoot: string,
    readonly timeoutMs = defaultDeliveryTimeoutMs,
  ) {
    this.telegram = new Telegram(token, { apiRoot });
  }

  /** Sends an HTML message, with an "Acknowledge" button when it is about an alert; returns Telegram's message id. */
  async send(chatId: string | number, text: string, alertId?: string, signal?: AbortSignal): Promise<string> {
    const message = await this.call(
      (callSignal) =>
        this.telegram.callApi(
          'sendMessage',
          {
            chat_id: chatId,
            text,
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
            ...(alertId ? { reply_markup: { inline_keyboard: [[{ text: 'Acknowledge', callback_data: `ack:${alertId}` }]] } } : {}),
          },
          telegrafSignal(callSignal),
        ),
      signal,
    );
    return String(message.message_id);
  }

  /** Replaces a sent message's text and drops its buttons. */
  async edit(chatId: string | number, messageId: number, text: string): Promise<void> {
    await this.call((signal) => this.telegram.callApi('editMessageText', { chat_id: chatId, message_id: messageId, text, parse_mode: 'HTML', link_preview_options: { is_disabled: true } }, telegrafSignal(signal)));
  }

  /** One API call within the deadline (or sooner, when `signal` aborts); Telegram's errors as DeliveryError, keeping the wait it asked for. */
  private async call<T>(send: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    try {
      return await send(signal ? AbortSignal.any([signal, deadline]) : deadline);
    } catch (error) {
      if (deadline.aborted) throw new DeliveryError(`Telegram did not answer within ${Math.round(this.timeoutMs / 100) / 10} s`, undefined, undefined, true);
      const { parameters, code } = error as { parameters?: { retry_after?: number }; code?: unknown };
      const retryAfter = parameters?.retry_after;
      throw new DeliveryError(error instanceof Error ? error.message : String(error), retryAfter ? retryAfter * 1_000 : undefined, typeof code === 'number' ? code : undefined);
    }
  }
}
