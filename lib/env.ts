import proxyaddr from 'proxy-addr';
import { z } from 'zod';
import { allowedHostEntry } from './net/outbound-policy.ts';

/**
 * Kickoff's settings, read from the environment once and validated. Every variable has a
 * default that fits a local machine, so `npm start` needs none of them.
 */
const urlWithProtocol = (protocols: string[], example: string) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `expected a ${protocols.join(' or ')} URL such as ${example}`);

const optionalSecret = (min: number) =>
  z
    .string()
    .trim()
    .min(min, `expected at least ${min} characters`)
    .optional()
    .or(z.literal('').transform(() => undefined));

/** A comma-separated list that proxy-addr can compile (addresses, CIDR ranges and its names). */
const trustedProxyList = z
  .string()
  .trim()
  .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
  .refine((entries) => {
    try {
      proxyaddr.compile(entries);
      return true;
    } catch {
      return false;
    }
  }, 'expected IP addresses or CIDR ranges separated by commas (or loopback, linklocal, uniquelocal), such as 10.0.0.0/8,127.0.0.1');

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: urlWithProtocol(['postgres:', 'postgresql:'], 'postgresql://postgres@127.0.0.1:5432/kickoff').default(
    'postgresql://postgres@127.0.0.1:5432/kickoff',
  ),
  REDIS_URL: urlWithProtocol(['redis:', 'rediss:'], 'redis://127.0.0.1:6379').default('redis://127.0.0.1:6379'),
  /** Seed nodes of a Redis Cluster (`host:port,host:port`); when set, REDIS_URL is not used. */
  REDIS_CLUSTER_NODES: z
    .string()
    .trim()
    .regex(/^([\w.-]+:\d+)(,[\w.-]+:\d+)*$/, 'expected host:port pairs separated by commas, such as 127.0.0.1:7001,127.0.0.1:7002')
    .optional()
    .transform((value) => (value ? value.split(',').map((node) => ({ host: node.split(':')[0]!, port: Number(node.split(':')[1]) })) : [])),
  PORT: z.coerce.number({ error: 'expected a port number' }).int().min(1).max(65535).default(3000),
  /** Mixed into the hashes of session tokens and API keys; changing it signs everyone out. */
  SESSION_SECRET: z.string().min(16, 'expected at least 16 characters').default('kickoff-local-development-secret'),
  BOOTSTRAP_ADMIN_EMAIL: z.email('expected an email address').default('admin@kickoff.local'),
  BOOTSTRAP_ADMIN_PASSWORD: optionalSecret(8),
  BOOTSTRAP_API_KEY: optionalSecret(16),
  /** The key the worker sends to the web app's internal routes; unset, both derive it from SESSION_SECRET. */
  INTERNAL_API_KEY: optionalSecret(16),
  TELEGRAM_BOT_TOKEN: z.string().trim().optional(),
  TELEGRAM_API_ROOT: urlWithProtocol(['http:', 'https:'], 'https://api.telegram.org').default('https://api.telegram.org'),
  /** The deadline of one call to an alert channel (Telegram, a webhook), "Send test message" included. */
  ALERT_DELIVERY_TIMEOUT_MS: z.coerce.number({ error: 'expected a number of milliseconds' }).int().min(1_000).max(120_000).default(10_000),
  /** The mail server alerts are sent through (`smtp://user:pass@host:587`, `smtps://…:465`); unset, e-mail channels cannot deliver. */
  SMTP_URL: urlWithProtocol(['smtp:', 'smtps:'], 'smtp://user:password@mail.example.com:587').optional(),
  /** The sender of alert e-mails. */
  SMTP_FROM: z.string().trim().min(3).max(200).default('Kickoff <kickoff@localhost>'),
  /** Hosts a webhook may reach although they are internal (names or IP addresses, comma-separated). */
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((value) => (value ?? '').split(',').map((entry) => entry.trim()).filter(Boolean))
    .refine((entries) => entries.every((entry) => allowedHostEntry(entry) !== null), 'expected host names or IP addresses separated by commas, such as hooks.internal,10.0.0.5')
    .transform((entries) => entries.map((entry) => allowedHostEntry(entry)!)),
  /** Prefix of every BullMQ key; the braces make it a Redis Cluster hash tag. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^\{[\w.-]+\}$|^[\w.-]+$/, 'expected a name such as {kickoff}')
    .default('{kickoff}'),
  /**
   * The job packs Kickoff runs besides its own jobs, comma-separated: `league` (the reference
   * pack). Empty: none — no league jobs, League pages, simulator, listener or cache warming.
   */
  KICKOFF_PACKS: z
    .string()
    .default('league')
    .transform((value) => [...new Set(value.split(',').map((name) => name.trim()).filter(Boolean))])
    .pipe(z.array(z.enum(['league'], { error: 'expected league, or nothing for no packs' }))),
  /** The league data API. Unset: `npm start` runs the built-in simulator on UPSTREAM_PORT and uses it. */
  UPSTREAM_URL: urlWithProtocol(['http:', 'https:'], 'http://127.0.0.1:3100').optional(),
  UPSTREAM_PORT: z.coerce.number({ error: 'expected a port number' }).int().min(1).max(65535).default(3100),
  /** The simulator's season clock while matches are played: simulated seconds per real second (150: a real minute is two and a half league hours). */
  UPSTREAM_SPEED: z.coerce.number().positive().max(100_000).default(150),
  /**
   * The simulator clock's pace: `demo` (a quarter of the speed in the hour before a deadline,
   * twenty times it when nothing happens, so gameweek 1 is played within about six real minutes
   * of the start) or `linear` (the speed throughout).
   */
  UPSTREAM_PACE: z.enum(['demo', 'linear']).default('demo'),
  /** The dashboard's public address, used in links sent out (alerts). */
  PUBLIC_URL: urlWithProtocol(['http:', 'https:'], 'http://localhost:3000').optional(),
  /** How long a worker waits for active runs on SIGTERM before it gives them back. */
  WORKER_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /**
   * The reverse proxies in front of the web app. Only a request whose TCP peer is one of them
   * has its `X-Forwarded-For` believed (for the audit log and the sign-in limits).
   */
  TRUSTED_PROXIES: trustedProxyList.default([]),
  /** Failed sign-ins an account may have inside the window before it is locked; a client address may have five times as many. */
  SIGN_IN_MAX_FAILURES: z.coerce.number({ error: 'expected a whole number' }).int().min(1).max(1_000).default(5),
  /** How long failed sign-ins count, and how long a lock lasts. */
  SIGN_IN_WINDOW_SECONDS: z.coerce.number({ error: 'expected a number of seconds' }).int().min(1).max(86_400).default(900),
});

export type Env = z.infer<typeof envSchema>;

/** Where the league data comes from: UPSTREAM_URL, or the built-in simulator. */
export function upstreamUrl(settings: Env): string {
  return settings.UPSTREAM_URL ?? `http://127.0.0.1:${settings.UPSTREAM_PORT}`;
}

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/** Validates `source` and returns the settings, or throws an EnvError naming each bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty variable is an unset one, but for KICKOFF_PACKS, where empty means "no packs".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([name, value]) => value !== '' || name === 'KICKOFF_PACKS'));
  const parsed = envSchema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  throw new EnvError(
    parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return `${name}: ${issue.message} (got ${shown(name, source[name])})`;
    }),
  );
}

/** A rejected value as it may be printed: secrets hidden, and the password inside a URL. */
function shown(name: string, value: string | undefined): string {
  if (value === undefined) return 'nothing';
  if (/SECRET|PASSWORD|TOKEN|KEY/.test(name)) return 'a value that is not shown';
  return JSON.stringify(value.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@'));
}

let cached: Env | undefined;

/** The process's settings, validated on first use. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Settings or exit: for command-line entry points, where a stack trace helps nobody. */
export function envOrExit(): Env {
  try {
    return env();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
