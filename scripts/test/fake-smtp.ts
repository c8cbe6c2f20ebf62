import { createServer, type Server } from 'node:http';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message the server took, parsed (mailparser). */
export interface ReceivedMail {
  from: string;
  /** The envelope's recipients (RCPT TO). */
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** The user that authenticated, when the client did. */
  user: string | null;
  messageId: string | null;
}

/**
 * A mail server on loopback for tests (smtp-server, without TLS): takes every message and
 * keeps it parsed. Recipients starting with `nobody@` are refused for good (550), as a real
 * server refuses an unknown mailbox; AUTH is optional and any user/password is accepted (the
 * user is recorded). `hang()` makes it accept connections and never greet (until
 * `answerAgain()`). `/__messages` on `httpUrl` lists what it received, for tests in another
 * process (Playwright specs).
 */
export class FakeSmtp {
  readonly received: ReceivedMail[] = [];
  private server: SMTPServer | undefined;
  private http: Server | undefined;
  private hanging = false;
  port = 0;
  httpPort = 0;

  /** An SMTP_URL for it. */
  url(user?: string): string {
    return `smtp://${user ? `${user}:secret@` : ''}127.0.0.1:${this.port}`;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((mail) => mail.to.includes(address));
  }

  hang(): void {
    this.hanging = true;
  }

  answerAgain(): void {
    this.hanging = false;
  }

  async start(): Promise<void> {
    this.server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      allowInsecureAuth: true,
      logger: false,
      onConnect: (_session, callback) => {
        if (!this.hanging) callback();
      },
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
      onRcptTo: (address, _session, callback) => {
        if (address.address.startsWith('nobody@')) return callback(Object.assign(new Error(`5.1.1 <${address.address}>: no such user here`), { responseCode: 550 }));
        callback();
      },
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            this.received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((recipient) => recipient.address),
              subject: mail.subject ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              text: mail.text ?? '',
              user: typeof session.user === 'string' ? session.user : null,
              messageId: mail.messageId ?? null,
            });
            callback();
          })
          .catch((error: unknown) => callback(error as Error));
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as { port: number }).port;
    this.http = createServer((request, response) => {
      response.writeHead(request.url === '/__messages' ? 200 : 404, { 'content-type': 'application/json' });
      response.end(request.url === '/__messages' ? JSON.stringify(this.received) : '{}');
    });
    await new Promise<void>((resolve) => this.http!.listen(0, '127.0.0.1', resolve));
    this.httpPort = (this.http.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    this.http?.closeAllConnections();
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
