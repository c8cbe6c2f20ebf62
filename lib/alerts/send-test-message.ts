import { recordAudit, type AuditActor } from '../audit.ts';
import { env } from '../env.ts';
import { ConflictError, RateLimitedError, ServiceUnavailableError, ValidationError } from '../errors.ts';
import { alertEmail } from './alert-email.ts';
import { testMessage } from './alert-messages.ts';
import { EmailChannel } from './email-channel.ts';
import { DeliveryError, TelegramChannel } from './telegram-channel.ts';

/**
 * "Send test message": proves the bot can write to a chat before a rule depends on it.
 * Telegram's refusals become answers the admin can act on: a wrong chat id is a field error, and
 * a Telegram that does not answer is a 503 within ALERT_DELIVERY_TIMEOUT_MS.
 */
export async function sendTelegramTestMessage(chatId: string, actor: AuditActor): Promise<{ messageId: string }> {
  const { TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT, ALERT_DELIVERY_TIMEOUT_MS } = env();
  if (!TELEGRAM_BOT_TOKEN) {
    throw new ConflictError('telegram_not_configured', 'Telegram is not set up: start Kickoff with TELEGRAM_BOT_TOKEN (and TELEGRAM_API_ROOT for a self-hosted Bot API)');
  }
  try {
    const messageId = await new TelegramChannel(TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT, ALERT_DELIVERY_TIMEOUT_MS).send(chatId, testMessage(actor.principal.label, new Date()));
    await recordAudit(actor, { action: 'telegram.test', targetType: 'telegramChat', targetId: chatId });
    return { messageId };
  } catch (error) {
    if (!(error instanceof DeliveryError)) throw error;
    if (error.retryAfterMs) throw new RateLimitedError('Telegram asks to wait before the next message', Math.ceil(error.retryAfterMs / 1_000));
    if (error.status === 400 || error.status === 403) {
      throw new ValidationError('Telegram refused the chat', { fieldErrors: { chatId: [`Telegram says: ${error.message.replace(/^\d+: /, '')}`] }, formErrors: [] });
    }
    if (error.timedOut) throw new ServiceUnavailableError(`${error.message}: the message may still arrive; check TELEGRAM_API_ROOT and try again`);
    throw new ServiceUnavailableError(`Telegram could not be reached: ${error.message}`);
  }
}

/**
 * "Send test e-mail": proves the mail server takes a message for an address before a rule
 * depends on it. An address the server refuses for good (5xx) is a field error; a server that
 * cannot be reached or does not answer within ALERT_DELIVERY_TIMEOUT_MS is a 503.
 */
export async function sendEmailTestMessage(to: string, actor: AuditActor): Promise<{ messageId: string }> {
  const { SMTP_URL, SMTP_FROM, ALERT_DELIVERY_TIMEOUT_MS, PUBLIC_URL, PORT } = env();
  if (!SMTP_URL) throw new ConflictError('email_not_configured', 'E-mail is not set up: start Kickoff with SMTP_URL (and SMTP_FROM for the sender)');
  const channel = new EmailChannel(SMTP_URL, SMTP_FROM, ALERT_DELIVERY_TIMEOUT_MS);
  try {
    const message = alertEmail({ severity: 'info', title: 'Test message', status: 'resolved' }, 'alert', testMessage(actor.principal.label, new Date(), 'this address'), PUBLIC_URL ?? `http://localhost:${PORT}`);
    const messageId = await channel.send(to, message);
    await recordAudit(actor, { action: 'email.test', targetType: 'emailAddress', targetId: to });
    return { messageId };
  } catch (error) {
    if (!(error instanceof DeliveryError)) throw error;
    if (error.status !== undefined && error.status >= 500 && error.status < 600 && error.status !== 503) {
      throw new ValidationError('The mail server refused the address', { fieldErrors: { to: [error.message] }, formErrors: [] });
    }
    if (error.timedOut) throw new ServiceUnavailableError(`${error.message}: check SMTP_URL and try again`);
    throw new ServiceUnavailableError(error.message);
  } finally {
    channel.close();
  }
}
