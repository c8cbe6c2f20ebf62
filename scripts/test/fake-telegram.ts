import { createServer, type Server } from 'node:http';

export interface TelegramCall {
  method: string;
  body: Record<string, unknown>;
}

/**
 * A small Telegram Bot API on loopback for tests: answers getMe, sendMessage,
 * editMessageText, answerCallbackQuery and getUpdates, and records every call. `failNext`
 * makes the next sendMessage answer 429 with a retry_after, and chat ids starting with -404 do not exist; `pressButton` and `sendCommand`
 * queue updates that getUpdates hands out (holding the poll up to a second while there are none).
 * `hang()` makes it a Bot API that accepts every connection and never answers (until `answerAgain()`).
 */
export class FakeTelegram {
  readonly calls: TelegramCall[] = [];
  private server: Server | undefined;
  private nextMessageId = 1;
  private failures: { retryAfter: number }[] = [];
  private updates: Record<string, unknown>[] = [];
  private nextUpdateId = 1;
  private hanging = false;
  port = 0;

  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  sent(): TelegramCall[] {
    return this.calls.filter((call) => call.method === 'sendMessage');
  }

  /** From now on every Bot API call is read and recorded, and never answered. */
  hang(): void {
    this.hanging = true;
  }

  answerAgain(): void {
    this.hanging = false;
  }

  failNext(retryAfterSeconds: number): void {
    this.failures.push({ retryAfter: retryAfterSeconds });
  }

  /** Someone in `chatId` presses an inline button of message `messageId`. */
  pressButton(chatId: number, messageId: number, data: string, from = { id: 777, username: 'oncall_ann', first_name: 'Ann' }): void {
    this.updates.push({
      update_id: this.nextUpdateId++,
      callback_query: { id: `cb${this.nextUpdateId}`, from: { is_bot: false, ...from }, chat_instance: '1', data, message: { message_id: messageId, date: 0, chat: { id: chatId, type: 'group', title: 'ops' }, text: '' } },
    });
  }

  /** Someone in `chatId` writes a command such as `/status`. */
  sendCommand(chatId: number, command: string, from = { id: 777, username: 'oncall_ann', first_name: 'Ann' }): void {
    this.updates.push({
      update_id: this.nextUpdateId++,
      message: { message_id: 10_000 + this.nextUpdateId, date: Math.floor(Date.now() / 1_000), chat: { id: chatId, type: 'private', first_name: from.first_name }, from: { is_bot: false, ...from }, text: command, entities: [{ type: 'bot_command', offset: 0, length: command.split(' ')[0]!.length }] },
    });
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        if (request.url === '/__calls') {
          // For tests in another process (Playwright specs): what the bot has been asked to do.
          response.writeHead(200, { 'content-type': 'application/json' });
          return void response.end(JSON.stringify(this.calls));
        }
        const method = (request.url ?? '').split('/').at(-1) ?? '';
        let body: Record<string, unknown> = {};
        try {
          body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
        } catch {
          body = { raw };
        }
        this.calls.push({ method, body });
        if (this.hanging) return;
        const reply = (status: number, payload: unknown) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(payload));
        };
        if (method === 'sendMessage' && this.failures.length > 0) {
          const failure = this.failures.shift()!;
          return reply(429, { ok: false, error_code: 429, description: `Too Many Requests: retry after ${failure.retryAfter}`, parameters: { retry_after: failure.retryAfter } });
        }
        if (method === 'sendMessage' && String(body.chat_id).startsWith('-404')) {
          return reply(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
        }
        switch (method) {
          case 'getMe':
            return reply(200, { ok: true, result: { id: 1, is_bot: true, first_name: 'Kickoff', username: 'kickoff_test_bot' } });
          case 'sendMessage':
            return reply(200, { ok: true, result: { message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: Number(body.chat_id) || 0, type: 'group' }, text: body.text } });
          case 'editMessageText':
          case 'answerCallbackQuery':
            return reply(200, { ok: true, result: true });
          case 'getUpdates':
            return void this.answerUpdates(Number(body.offset ?? 0), Math.min(1, Number(body.timeout ?? 0))).then((result) => reply(200, { ok: true, result }));
          default:
            return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as { port: number }).port;
  }

  private async answerUpdates(offset: number, waitSeconds: number): Promise<Record<string, unknown>[]> {
    const deadline = Date.now() + waitSeconds * 1_000;
    for (;;) {
      this.updates = this.updates.filter((update) => Number(update.update_id) >= offset);
      if (this.updates.length > 0 || Date.now() >= deadline) return [...this.updates];
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
