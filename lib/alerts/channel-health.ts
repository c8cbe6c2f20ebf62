import type { Redis } from 'ioredis';
import type { Db } from '../db.ts';
import { kickoffKeys } from '../redis-keys.ts';
import { alertChannelSchema } from '../validations/alerts.ts';
import { maxDeliveryAttempts } from './alert-messages.ts';

/** What the dispatcher records for a channel that failed (lib/alerts/alert-dispatcher.ts); a working channel has no entry. */
export interface ChannelState {
  breaker: 'closed' | 'open' | 'half-open';
  lastError: string;
  /** Failed calls since it last worked. */
  failures: number;
  failingSince: string;
  updatedAt: string;
}

/** A channel in trouble, as the Alerts page shows it. A webhook is named by its host only (its URL may carry a token). */
export interface ChannelHealthDto {
  type: 'telegram' | 'webhook' | 'email' | 'unknown';
  target: string;
  /** `paused`: its breaker is open, deliveries wait for a trial call; `failing`: its last call failed. */
  state: 'paused' | 'failing';
  lastError: string;
  failingSince: string | null;
  /** Deliveries to it not sent yet and still being retried. */
  pending: number;
}

/** One key per delivery target: a Telegram chat, a webhook URL, an e-mail address. */
export function channelKey(channel: unknown): string {
  const parsed = alertChannelSchema.safeParse(channel);
  if (!parsed.success) return `unknown:${JSON.stringify(channel)}`;
  if (parsed.data.type === 'telegram') return `telegram:${String(parsed.data.chatId)}`;
  if (parsed.data.type === 'webhook') return `webhook:${parsed.data.url}`;
  if (parsed.data.type === 'email') return `email:${parsed.data.to.toLowerCase()}`;
  return 'dashboard';
}

function describe(key: string): Pick<ChannelHealthDto, 'type' | 'target'> {
  const [type, ...rest] = key.split(':');
  const value = rest.join(':');
  if (type === 'telegram' || type === 'email') return { type, target: value };
  if (type === 'webhook') {
    try {
      return { type, target: new URL(value).host };
    } catch {
      return { type, target: 'webhook' };
    }
  }
  return { type: 'unknown', target: 'unknown channel' };
}

/**
 * The channels that are failing now: the dispatcher's record in Redis (breaker state, last
 * error), and deliveries PostgreSQL still holds unsent with an error (so a channel shows as
 * failing even when Redis lost the record).
 */
export async function listChannelHealth(db: Db, redis: Redis, prefix: string): Promise<ChannelHealthDto[]> {
  const [records, unsent] = await Promise.all([
    redis.hgetall(kickoffKeys.alertsChannelHealth(prefix)).catch(() => ({}) as Record<string, string>),
    db.alertDelivery.findMany({
      where: { sentAt: null, lastError: { not: null }, attempts: { lt: maxDeliveryAttempts }, createdAt: { gte: new Date(Date.now() - 86_400_000) } },
      select: { channel: true, lastError: true, createdAt: true },
      take: 1_000,
    }),
  ]);
  const byKey = new Map<string, ChannelHealthDto>();
  for (const [key, raw] of Object.entries(records)) {
    let state: ChannelState;
    try {
      state = JSON.parse(raw) as ChannelState;
    } catch {
      continue;
    }
    byKey.set(key, { ...describe(key), state: state.breaker === 'closed' ? 'failing' : 'paused', lastError: state.lastError, failingSince: state.failingSince, pending: 0 });
  }
  for (const delivery of unsent) {
    const key = channelKey(delivery.channel);
    const entry = byKey.get(key) ?? { ...describe(key), state: 'failing' as const, lastError: delivery.lastError!, failingSince: delivery.createdAt.toISOString(), pending: 0 };
    entry.pending += 1;
    byKey.set(key, entry);
  }
  // Webhooks on one host show as one line (their URLs are not shown).
  const shown = new Map<string, ChannelHealthDto>();
  for (const entry of byKey.values()) {
    const label = `${entry.type}:${entry.target}`;
    const seen = shown.get(label);
    if (!seen) {
      shown.set(label, { ...entry });
      continue;
    }
    seen.pending += entry.pending;
    if (entry.state === 'paused') seen.state = 'paused';
    if (entry.failingSince && (!seen.failingSince || entry.failingSince < seen.failingSince)) seen.failingSince = entry.failingSince;
  }
  return [...shown.values()].sort((a, b) => a.type.localeCompare(b.type) || a.target.localeCompare(b.target));
}
