import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs for the web app and the worker. Child loggers carry `runId` and
 * `requestId` where there is one.
 */
function createLogger(): Logger {
  const level = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info');
  return pino({ level, base: { service: process.env.KICKOFF_SERVICE ?? 'kickoff' } });
}

const globalForLogger = globalThis as unknown as { kickoffLogger?: Logger };

export const logger: Logger = (globalForLogger.kickoffLogger ??= createLogger());
