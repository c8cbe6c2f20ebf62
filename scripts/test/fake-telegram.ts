import { createServer, type Server } from 'node:http';

export interface TelegramCall {
  method: string;
  body: Record<string, unknown>;
}

/**
 * A small Telegram Bot API on loopback for tests: answers getMe, sendMessage,
 * editMessageText, answerCallbackQuery and getUpdates, and records every call. `failNext`
 * makes the next sendMessage answer 429 with a retry_after.
 */
export class FakeTelegram {
  readonly calls: TelegramCall[] = [];
  private server: Server | undefined;
  private nextMessageId = 1;
  private failures: { retryAfter: number }[] = [];
  port = 0;

  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  sent(): TelegramCall[] {
    return this.calls.filter((call) => call.method === 'sendMessage');
  }

  failNext(retryAfterSeconds: number): void {
    this.failures.push({ retryAfter: retryAfterSeconds });
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        const method = (request.url ?? '').split('/').at(-1) ?? '';
        let body: Record<string, unknown> = {};
        try {
          body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
        } catch {
          body = { raw };
        }
        this.calls.push({ method, body });
        const reply = (status: number, payload: unknown) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(payload));
        };
        if (method === 'sendMessage' && this.failures.length > 0) {
          const failure = this.failures.shift()!;
          return reply(429, { ok: false, error_code: 429, description: `Too Many Requests: retry after ${failure.retryAfter}`, parameters: { retry_after: failure.retryAfter } });
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
            return reply(200, { ok: true, result: [] });
          default:
            return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
