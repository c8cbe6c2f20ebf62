/**
 * Delivery at the edges: webhooks aimed at internal services, a Telegram that accepts the
 * connection and never answers, and the web app's watchdog standing in for absent workers.
 * A database of its own, so no other file's rules reach these engines.
 */
import { randomUUID } from 'node:crypto';
import { lookup as systemLookup } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSmtp } from '@/scripts/test/fake-smtp.ts';
import { FakeTelegram } from '@/scripts/test/fake-telegram.ts';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { db } from '../db.ts';
import { RedisLock } from '../locks/redis-lock.ts';
import { refusedMessage } from '../net/guarded-fetch.ts';
import { outboundPolicy } from '../net/outbound-policy.ts';
import { createRedis } from '../redis.ts';
import { kickoffKeys } from '../redis-keys.ts';
import { AlertEngine } from './alert-engine.ts';
import { noWorkerSubject } from './alert-conditions.ts';
import { AlertWatchdog } from './alert-watchdog.ts';
import { listChannelHealth } from './channel-health.ts';
import { EmailChannel } from './email-channel.ts';
import { TelegramChannel } from './telegram-channel.ts';

await useOwnDatabase('alert_delivery');
const prefix = useOwnQueuePrefix('alert-delivery');
const connection = createRedis('worker');

/** Internal services on loopback that must never be reached through a webhook. */
const internalHits: string[] = [];
const allowedHits: string[] = [];
const servers: Server[] = [];
const ports = { internal: 0, internalV6: 0, redirector: 0, allowed: 0 };

async function listen(handler: Parameters<typeof createServer>[1], host = '127.0.0.1'): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  return (server.address() as { port: number }).port;
}

/** DNS as an attacker would set it up: names that point inside. The allowed hosts are the test's own. */
const names: Record<string, { address: string; family: 4 | 6 }> = {
  'loopback.attacker.test': { address: '127.0.0.1', family: 4 },
  'private.attacker.test': { address: '192.168.0.10', family: 4 },
  'linklocal.attacker.test': { address: '169.254.169.254', family: 4 },
  'v6.attacker.test': { address: '::1', family: 6 },
  'mapped.attacker.test': { address: '::ffff:127.0.0.1', family: 6 },
  'hooks.kickoff.test': { address: '127.0.0.1', family: 4 },
  'redirect.kickoff.test': { address: '127.0.0.1', family: 4 },
};
const testDns = ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
  if (hostname === 'localhost') return systemLookup(hostname, options, callback as never);
  const answer = names[hostname];
  if (!answer) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
  return options.all ? callback(null, [answer]) : callback(null, answer.address, answer.family);
}) as unknown as LookupFunction;
const webhooks = { policy: outboundPolicy(['hooks.kickoff.test', 'redirect.kickoff.test']), lookup: testDns };

const telegram = new FakeTelegram();

beforeAll(async () => {
  ports.internal = await listen((request, response) => {
    internalHits.push(`${request.method} ${request.url}`);
    response.end('reset');
  });
  ports.internalV6 = await listen((request, response) => {
    internalHits.push(`${request.method} ${request.url} (v6)`);
    response.end('reset');
  }, '::1');
  ports.redirector = await listen((_request, response) => {
    response.writeHead(307, { location: `http://127.0.0.1:${ports.internal}/admin/reset` });
    response.end();
  });
  ports.allowed = await listen((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      allowedHits.push(body);
      response.end('ok');
    });
  });
  await telegram.start();
  await db().jobDefinition.create({ data: { name: 'delivery-probe', category: 'diagnostics' } });
  await db().jobRun.create({ data: { id: randomUUID(), jobName: 'delivery-probe', status: 'running', trigger: 'api', queuedAt: new Date(Date.now() - 60_000), startedAt: new Date(Date.now() - 60_000) } });
});

afterAll(async () => {
  telegram.answerAgain();
  await telegram.stop();
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  connection.disconnect();
  await db().$disconnect();
});

const longRunning = { type: 'long-running', thresholdMs: 10_000 };
const createRule = (name: string, channels: object[], condition: object = longRunning) =>
  db().alertRule.create({ data: { name, condition, scope: condition === longRunning ? { job: 'delivery-probe' } : {}, severity: 'critical', channels, cooldownMinutes: 30 } });
const deliveriesOf = (ruleId: string) => db().alertDelivery.findMany({ where: { alert: { ruleId } } });
const urlOf = (channel: unknown) => (channel as { url?: string }).url ?? '';

function newEngine(extra: Partial<ConstructorParameters<typeof AlertEngine>[0]> = {}): AlertEngine {
  return new AlertEngine({ db: db(), redis: connection, prefix, owner: `test-${randomUUID().slice(0, 6)}`, telegram: new TelegramChannel('123:TEST', telegram.apiRoot), webhooks, publicUrl: 'http://kickoff.test', checkIntervalMs: 0, ...extra });
}

describe('webhooks cannot be aimed inside', () => {
  it('refuses loopback, private, link-local, IPv6 and mapped targets, as names and as numbers, follows no redirect, and delivers to an allowed host', async () => {
    const { internal, internalV6, redirector, allowed } = ports;
    const refused = [
      `http://127.0.0.1:${internal}/admin/reset`,
      `http://2130706433:${internal}/admin/reset`,
      `http://0x7f000001:${internal}/admin/reset`,
      `http://0177.0.0.1:${internal}/admin/reset`,
      `http://127.1:${internal}/admin/reset`,
      `http://[::1]:${internalV6}/admin/reset`,
      `http://[::ffff:127.0.0.1]:${internal}/admin/reset`,
      `http://[::ffff:7f00:1]:${internal}/admin/reset`,
      `http://192.168.0.10:${internal}/admin/reset`,
      `http://169.254.169.254/latest/meta-data/`,
      `http://[fe80::1]:${internal}/`,
      `http://[fd00::1]:${internal}/`,
      `http://localhost:${internal}/admin/reset`,
      `http://loopback.attacker.test:${internal}/admin/reset`,
      `http://private.attacker.test:${internal}/admin/reset`,
      `http://linklocal.attacker.test/latest/meta-data/`,
      `http://v6.attacker.test:${internalV6}/admin/reset`,
      `http://mapped.attacker.test:${internal}/admin/reset`,
    ];
    const redirect = `http://redirect.kickoff.test:${redirector}/hook`;
    const allowedUrl = `http://hooks.kickoff.test:${allowed}/hook`;
    const rule = await createRule('aimed inside', [...refused, redirect, allowedUrl].map((url) => ({ type: 'webhook', url })));
    const engine = newEngine();
    try {
      await engine.tick();
      await engine.dispatcher.idle();
      const deliveries = await deliveriesOf(rule.id);
      expect(deliveries).toHaveLength(refused.length + 2);
      for (const url of refused) {
        const delivery = deliveries.find((candidate) => urlOf(candidate.channel) === url);
        expect(delivery?.sentAt ?? null, url).toBeNull();
        expect(delivery?.lastError, url).toBe(refusedMessage);
      }
      expect(deliveries.find((candidate) => urlOf(candidate.channel) === redirect)?.lastError).toBe('not delivered: the host answered 307; redirects are not followed');
      expect(deliveries.find((candidate) => urlOf(candidate.channel) === allowedUrl)?.sentAt).not.toBeNull();
      expect(allowedHits).toHaveLength(1);
      expect(JSON.parse(allowedHits[0]!)).toMatchObject({ subject: 'delivery-probe', severity: 'critical' });
      expect(internalHits).toEqual([]);
      // The Alerts page names the failing webhooks by host only.
      const health = await listChannelHealth(db(), connection, prefix);
      expect(health.find((channel) => channel.target === `127.0.0.1:${internal}`)).toMatchObject({ type: 'webhook', state: 'failing', lastError: refusedMessage, pending: 5 }); // 127.0.0.1 in five notations
      expect(JSON.stringify(health)).not.toContain('/admin/reset');
    } finally {
      await engine.stop();
      await db().alertRule.delete({ where: { id: rule.id } });
    }
  });
});

describe('a Telegram that accepts the connection and never answers', () => {
  it('delays no other channel, gives up on each call at its deadline, and opens the breaker', { timeout: 90_000 }, async () => {
    telegram.hang();
    // Three alerts for one chat queue up behind each other on its lane; the deadline is the default 10 s.
    const chatRules = await Promise.all(['a', 'b', 'c'].map((name) => createRule(`hung telegram ${name}`, [{ type: 'telegram', chatId: '-7001' }])));
    const engine = newEngine({ intervalMs: 200 });
    engine.start();
    let hookRuleId: string | undefined;
    try {
      await waitFor(async () => telegram.sent().filter((call) => call.body.chat_id === '-7001').length >= 1, 5_000, 'Telegram to be asked');
      // While the chat's lane hangs, another rule fires to a webhook.
      const hookRule = await createRule('webhook while telegram hangs', [{ type: 'webhook', url: `http://hooks.kickoff.test:${ports.allowed}/while-hung` }]);
      hookRuleId = hookRule.id;
      const raisedAt = Date.now();
      const before = allowedHits.length;
      await waitFor(async () => allowedHits.length > before, 15_000, 'the webhook alert within 15 s while Telegram hangs');
      const sent = (await deliveriesOf(hookRule.id))[0]!;
      expect(sent.sentAt!.getTime() - raisedAt).toBeLessThan(15_000);

      // Each hung call ends at its deadline; after three in a row the chat's breaker opens.
      const paused = await waitFor(async () => (await listChannelHealth(db(), connection, prefix)).find((channel) => channel.type === 'telegram' && channel.target === '-7001' && channel.state === 'paused'), 60_000, 'the breaker to open');
      expect(paused.lastError).toBe('Telegram did not answer within 10 s');
      const chatDeliveries = (await Promise.all(chatRules.map((rule) => deliveriesOf(rule.id)))).flat();
      expect(chatDeliveries.every((delivery) => delivery.sentAt === null)).toBe(true);
      expect(chatDeliveries.map((delivery) => delivery.lastError)).toContain('Telegram did not answer within 10 s');
      // With the breaker open the chat is not called again until its trial call.
      const calls = telegram.sent().length;
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(telegram.sent().length).toBe(calls);
      expect((await db().alertDelivery.findMany({ where: { id: { in: chatDeliveries.map((delivery) => delivery.id) } } })).some((delivery) => delivery.lastError?.startsWith('channel paused after repeated failures'))).toBe(true);
    } finally {
      telegram.answerAgain();
      await engine.stop();
      await db().alertRule.deleteMany({ where: { id: { in: [...chatRules.map((rule) => rule.id), ...(hookRuleId ? [hookRuleId] : [])] } } });
    }
  });
});

describe('a mail server', () => {
  it('names a recipient it refuses with its own words and keeps retrying it, while another address on the same server gets its mail', async () => {
    const smtp = new FakeSmtp();
    await smtp.start();
    const rule = await createRule('mail refused', [{ type: 'email', to: 'nobody@kickoff.test' }, { type: 'email', to: 'ops@kickoff.test' }]);
    const engine = newEngine({ email: new EmailChannel(smtp.url(), 'kickoff@kickoff.test') });
    try {
      await engine.tick();
      await engine.dispatcher.idle();
      const deliveries = await deliveriesOf(rule.id);
      const refused = deliveries.find((delivery) => (delivery.channel as { to: string }).to === 'nobody@kickoff.test')!;
      expect(refused.sentAt).toBeNull();
      expect(refused.attempts).toBe(1);
      expect(refused.lastError).toMatch(/^the mail server refused: 550 5\.1\.1 <nobody@kickoff\.test>: no such user here/);
      expect(refused.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
      expect(deliveries.find((delivery) => (delivery.channel as { to: string }).to === 'ops@kickoff.test')?.sentAt).not.toBeNull();
      expect(smtp.received.map((mail) => mail.to)).toEqual([['ops@kickoff.test']]);
      expect(smtp.received[0]!.subject).toMatch(/^\[Kickoff critical\] delivery-probe running for 1 min/);
      const health = await listChannelHealth(db(), connection, prefix);
      expect(health.find((channel) => channel.type === 'email')).toMatchObject({ target: 'nobody@kickoff.test', state: 'failing', pending: 1 });
    } finally {
      await engine.stop();
      await db().alertRule.delete({ where: { id: rule.id } });
      await smtp.stop();
    }
  });

  it('that accepts the connection and never answers: each call ends at its deadline and delays no other channel', { timeout: 30_000 }, async () => {
    const smtp = new FakeSmtp();
    await smtp.start();
    smtp.hang();
    const rule = await createRule('mail hangs', [{ type: 'email', to: 'ops@kickoff.test' }, { type: 'telegram', chatId: '-7101' }]);
    const engine = newEngine({ email: new EmailChannel(smtp.url(), 'kickoff@kickoff.test', 1_500), deliveryTimeoutMs: 1_500 });
    try {
      const startedAt = Date.now();
      await engine.tick();
      await waitFor(async () => telegram.sent().some((call) => call.body.chat_id === '-7101'), 1_500, 'Telegram while the mail server hangs');
      await engine.dispatcher.idle();
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      const mail = (await deliveriesOf(rule.id)).find((delivery) => (delivery.channel as { type: string }).type === 'email')!;
      expect(mail.sentAt).toBeNull();
      expect(mail.lastError).toBe('the mail server did not answer within 1.5 s');
    } finally {
      smtp.answerAgain();
      await engine.stop();
      await db().alertRule.delete({ where: { id: rule.id } });
      await smtp.stop();
    }
  });
});

describe('the web app watchdog', () => {
  const offline = { type: 'worker-offline', afterSeconds: 30 };

  it('stands in when no worker evaluates: raises worker-offline once and delivers it; stands by while a worker does', async () => {
    const workerId = `hung-${randomUUID().slice(0, 6)}`;
    await db().workerHeartbeat.create({ data: { id: workerId, host: 'box-1', pid: 1, lastSeenAt: new Date(Date.now() - 120_000) } });
    const rule = await createRule('worker offline', [{ type: 'telegram', chatId: '-7002' }], offline);
    const watchdog = new AlertWatchdog({ db: db(), redis: connection, prefix, owner: 'web:test', telegram: new TelegramChannel('123:TEST', telegram.apiRoot), webhooks, publicUrl: 'http://kickoff.test', staleAfterMs: 0 });
    const toChat = () => telegram.sent().filter((call) => call.body.chat_id === '-7002');
    try {
      // A worker's engine holds the lock: the watchdog does nothing.
      const lock = new RedisLock(connection, kickoffKeys.alertsLock(prefix));
      expect((await lock.acquire('worker-x', 30_000)).acquired).toBe(true);
      await watchdog.tick();
      expect(await db().alert.count({ where: { ruleId: rule.id } })).toBe(0);
      await lock.release('worker-x');

      expect(await watchdog.tick()).toBe(true);
      const [message] = await waitFor(async () => (toChat().length > 0 ? toChat() : undefined), 10_000, 'the worker-offline alert in Telegram');
      expect(String(message!.body.text)).toContain(`Worker <b>${workerId}</b> on <b>box-1</b> has sent no heartbeat`);
      await watchdog.tick();
      await watchdog.engine.dispatcher.idle();
      expect(await db().alert.count({ where: { ruleId: rule.id } })).toBe(1);
      expect(toChat()).toHaveLength(1);

      // A worker evaluates again (its mark is fresh): the watchdog stands by.
      const standingBy = new AlertWatchdog({ db: db(), redis: connection, prefix, owner: 'web:test2', telegram: null, publicUrl: 'http://kickoff.test' });
      await connection.set(kickoffKeys.alertsEvaluatedAt(prefix), String(Date.now()));
      expect(await standingBy.tick()).toBe(false);
      await connection.del(kickoffKeys.alertsEvaluatedAt(prefix));
    } finally {
      await watchdog.stop();
      await db().alertRule.delete({ where: { id: rule.id } });
      await db().workerHeartbeat.delete({ where: { id: workerId } });
    }
  });

  it('cannot open one alert twice: PostgreSQL holds one active alert per rule and subject', async () => {
    const data = { ruleId: `rule-${randomUUID()}`, subject: 'worker:twice', severity: 'critical' as const, title: 'Worker twice offline', message: 'x' };
    const first = await db().alert.create({ data });
    await expect(db().alert.create({ data })).rejects.toMatchObject({ code: 'P2002' });
    await db().alert.update({ where: { id: first.id }, data: { status: 'resolved', resolvedAt: new Date() } });
    await db().alert.create({ data }); // once the first is resolved, a new one may open
    await db().alert.deleteMany({ where: { ruleId: data.ruleId } });
  });

  it('says so when no worker runs at all', async () => {
    const workerId = `stopped-${randomUUID().slice(0, 6)}`;
    await db().workerHeartbeat.create({ data: { id: workerId, host: 'box-2', pid: 2, lastSeenAt: new Date(Date.now() - 600_000), stoppedAt: new Date(Date.now() - 600_000) } });
    const rule = await createRule('no worker', [{ type: 'telegram', chatId: '-7003' }], offline);
    const watchdog = new AlertWatchdog({ db: db(), redis: connection, prefix, owner: 'web:test3', telegram: new TelegramChannel('123:TEST', telegram.apiRoot), webhooks, publicUrl: 'http://kickoff.test', staleAfterMs: 0 });
    try {
      await watchdog.tick();
      const alert = await db().alert.findFirstOrThrow({ where: { ruleId: rule.id } });
      expect(alert).toMatchObject({ subject: noWorkerSubject, title: 'No worker running', status: 'open' });
      const message = await waitFor(async () => telegram.sent().find((call) => call.body.chat_id === '-7003'), 10_000, 'the message');
      expect(String(message.body.text)).toContain(`so no job runs (the last was <b>${workerId}</b> on <b>box-2</b>`);
      // A worker starts: the alert resolves.
      await db().workerHeartbeat.update({ where: { id: workerId }, data: { stoppedAt: null, lastSeenAt: new Date() } });
      await watchdog.tick();
      expect((await db().alert.findUniqueOrThrow({ where: { id: alert.id } })).status).toBe('resolved');
    } finally {
      await watchdog.stop();
      await db().alertRule.delete({ where: { id: rule.id } });
      await db().workerHeartbeat.delete({ where: { id: workerId } });
    }
  });
});
