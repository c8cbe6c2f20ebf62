import { createTransport } from 'nodemailer';
import { DeliveryError, defaultDeliveryTimeoutMs } from './telegram-channel.ts';

/** One e-mail as Kickoff sends it: a subject and the same content as HTML and as plain text. */
export interface EmailMessage {
  subject: string;
  html: string;
  text: string;
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

/**
 * Sends alert e-mails through the operator's mail server (SMTP_URL) with nodemailer. Like
 * TELEGRAM_API_ROOT, the server is the operator's and may be private, so it is not guarded like
 * a webhook; recipients cannot point it anywhere else. Every send has the channel's deadline:
 * the connection, the greeting and each reply within `timeoutMs`, and an abort signal that
 * closes the connection of a send that takes longer as a whole.
 */
export class EmailChannel {
  private readonly transport: ReturnType<typeof createTransport>;

  constructor(
    smtpUrl: string,
    readonly from: string,
    readonly timeoutMs = defaultDeliveryTimeoutMs,
  ) {
    this.transport = createTransport({ url: smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs, dnsTimeout: timeoutMs });
  }

  /** Sends one message to one address; returns the Message-ID. A refused recipient is a DeliveryError with the server's code (`status`). */
  async send(to: string, message: EmailMessage, signal?: AbortSignal): Promise<string> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    try {
      const info = await this.transport.sendMail({ from: this.from, to, ...message, signal: signal ? AbortSignal.any([signal, deadline]) : deadline });
      return info.messageId;
    } catch (error) {
      const { code, responseCode, response, message: text } = error as SmtpError;
      const seconds = Math.round(this.timeoutMs / 100) / 10;
      if (deadline.aborted || code === 'ETIMEDOUT') throw new DeliveryError(`the mail server did not answer within ${seconds} s`, undefined, undefined, true);
      // The server's own words when it refused (e.g. "550 5.1.1 No such user"), else nodemailer's.
      throw new DeliveryError(response ? `the mail server refused: ${response}` : `the mail server could not be reached: ${text}`, undefined, responseCode);
    }
  }

  close(): void {
    this.transport.close();
  }
}
