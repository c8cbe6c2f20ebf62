import { setSettings, startStack } from './stack.ts';

/** Starts the stack once for all specs; the returned function stops it. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const stack = await startStack();
  // Specs run in workers started after this, which inherit it: they may seed users directly.
  process.env.E2E_DATABASE_URL = stack.env.DATABASE_URL;
  process.env.E2E_TELEGRAM_ROOT = stack.env.TELEGRAM_API_ROOT;
  process.env.E2E_SMTP_INBOX = stack.env.E2E_SMTP_INBOX;
  process.env.E2E_UPSTREAM_URL = stack.env.UPSTREAM_URL;
  process.env.E2E_QUEUE_PREFIX = stack.env.QUEUE_PREFIX;
  // Specs trigger the same job seconds apart; the one spec about limits turns the cooldown on itself.
  await setSettings(stack.baseUrl, { 'triggers.jobCooldownSeconds': 0 });
  return () => stack.stop();
}
