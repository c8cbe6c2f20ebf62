import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSmtp } from '@/scripts/test/fake-smtp.ts';
import { FakeTelegram } from '@/scripts/test/fake-telegram.ts';
import { startInProcessWorker, stopInProcessWorker } from '@/scripts/test/in-process-worker.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { db } from '@/lib/db.ts';
import { QueueSet } from '@/lib/queue/queues.ts';
import { createRedis } from '@/lib/redis.ts';
import { askForRun } from '@/scripts/test/ask-for-run.ts';
import { z } from 'zod';
import { registerJobs } from '@/lib/jobs/catalog.ts';
import { defineJob } from '@/lib/jobs/define-job.ts';
import { defineHandler } from '../define-handler.ts';
import { handlers } from '../jobs/index.ts';
import type { StartedWorker } from '../start-worker.ts';
import { AlertEngine } from '@/lib/alerts/alert-engine.ts';
import { TelegramBot } from './telegram-bot.ts';
import { TelegramChannel } from '@/lib/alerts/telegram-channel.ts';
import { EmailChannel } from '@/lib/alerts/email-channel.ts';
import { outboundPolicy } from '@/lib/net/outbound-policy.ts';

const prefix = useOwnQueuePrefix('alerts');
/** A job only this file runs, so failures from other test files never reach its rules. */
const alertProbe = defineJob({ name: 'alert-probe', category: 'diagnostics', description: 'fails on request', retry: { backoff: 'none' }, payload: z.object({ fail: z.boolean().default(false) }) });
registerJobs([alertProbe]);
const alertProbeHandler = defineHandler(alertProbe, async (ctx) => {
  if (ctx.payload.fail) throw new Error('Upstream said <script>alert(1)</script> & gave up');
  return null;
});
const telegram = new FakeTelegram();
const smtp = new FakeSmtp();
let runner: StartedWorker;
let engine: AlertEngine;
let bot: TelegramBot;
const lockConnection = createRedis('worker');
/** Queues no worker reads, for the backlog condition. */
const idleQueues = new QueueSet({ prefix: `${prefix.slice(0, -1)}-idle}` });
/** The engine's clock runs this far ahead of the wall clock; tests move it. */
let clockOffsetMs = 0;

beforeAll(async () => {
  await telegram.start();
  await smtp.start();
  runner = await startInProcessWorker(prefix, [...handlers, alertProbeHandler]);
  engine = new AlertEngine({
    db: db(),
    redis: lockConnection,
    prefix,
    owner: 'test',
    telegram: new TelegramChannel('123:TEST', telegram.apiRoot),
    email: new EmailChannel(smtp.url('kickoff'), 'Kickoff <alerts@kickoff.test>'),
    // The test's webhook listens on loopback, which only an allowed host may reach.
    webhooks: { policy: outboundPolicy(['127.0.0.1']) },
    publicUrl: 'http://kickoff.test',
    intervalMs: 200,
    checkIntervalMs: 0,
    queues: () => idleQueues,
    now: () => new Date(Date.now() + clockOffsetMs),
  });
  engine.start();
  bot = new TelegramBot({ db: db(), redis: lockConnection, prefix, owner: 'test', token: '123:TEST', apiRoot: telegram.apiRoot, publicUrl: 'http://kickoff.test', pollTimeoutSeconds: 1, idleMs: 100 });
  bot.start();
});

afterAll(async () => {
  engine.stop();
  await bot.stop();
  await Promise.all(['maintenance', 'analysis'].map((category) => idleQueues.for(category as 'maintenance').obliterate({ force: true })));
  await idleQueues.close();
  lockConnection.disconnect();
  await telegram.stop();
  await smtp.stop();
  await stopInProcessWorker(runner);
});

const sentTo = (chatId: string) => telegram.sent().filter((call) => String(call.body.chat_id) === chatId);

const runToEnd = async (payload: object) => {
  const { run } = await askForRun('alert-probe', { payload });
  return waitFor(async () => {
    const row = await db().jobRun.findUniqueOrThrow({ where: { id: run.id } });
    return row.status === 'completed' || row.status === 'failed' ? row : undefined;
  }, 10_000, 'the probe to end');
};

describe('run-failed alerts to Telegram', () => {
  it('sends one message within 5 s naming the job and the error, counts repeats in the cooldown, and resolves on the next success', async () => {
    const rule = await db().alertRule.create({
      data: { name: 'alert-probe fails', condition: { type: 'run-failed' }, scope: { job: 'alert-probe' }, severity: 'critical', channels: [{ type: 'telegram', chatId: '-1001' }], cooldownMinutes: 30 },
    });
    const failedAt = Date.now();
    const failed = await runToEnd({ fail: true });
    const [message] = await waitFor(async () => (sentTo('-1001').length > 0 ? sentTo('-1001') : undefined), 5_000, 'a sendMessage');
    expect(sentTo('-1001')).toHaveLength(1);
    expect(Date.now() - failedAt).toBeLessThan(5_000);
    expect(message!.body.chat_id).toBe('-1001');
    expect(String(message!.body.text)).toContain('<b>alert-probe</b> failed');
    expect(String(message!.body.text)).toContain('Upstream said &lt;script&gt;alert(1)&lt;/script&gt; &amp; gave up');
    expect(String(message!.body.text)).toContain(`http://kickoff.test/runs/${failed.id}`);
    expect(JSON.stringify(message!.body.reply_markup)).toContain('Acknowledge');

    for (let index = 0; index < 10; index += 1) await runToEnd({ fail: true });
    const alert = await waitFor(async () => {
      const row = await db().alert.findFirst({ where: { ruleId: rule.id } });
      return row && row.count >= 11 ? row : undefined;
    }, 10_000, 'eleven failures counted on one alert');
    expect(alert.status).toBe('open');
    expect(sentTo('-1001')).toHaveLength(1);

    // "Acknowledge" pressed in the chat: the alert is acknowledged and the message says by whom.
    telegram.pressButton(-1001, Number(((await db().alertDelivery.findFirstOrThrow({ where: { alertId: alert.id } })).externalId)), `ack:${alert.id}`);
    await waitFor(async () => (await db().alert.findUniqueOrThrow({ where: { id: alert.id } })).status === 'acknowledged', 5_000, 'the button to acknowledge the alert');
    const acknowledged = await db().alert.findUniqueOrThrow({ where: { id: alert.id } });
    expect(acknowledged.acknowledgedBy).toBe('@oncall_ann (Telegram)');
    const edit = await waitFor(async () => telegram.calls.find((call) => call.method === 'editMessageText' && String(call.body.chat_id) === '-1001'), 5_000, 'the message edited');
    expect(String(edit.body.text)).toContain('Acknowledged by <b>@oncall_ann (Telegram)</b>');
    expect(String(edit.body.text)).toContain('<b>alert-probe</b> failed');
    await waitFor(async () => telegram.calls.some((call) => call.method === 'answerCallbackQuery' && call.body.text === 'Acknowledged'), 5_000, 'the button press answered');
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: 'alert.ack', targetId: alert.id } });
    expect(audit.actorType).toBe('telegram');

    await runToEnd({});
    await waitFor(async () => (await db().alert.findUniqueOrThrow({ where: { id: alert.id } })).status === 'resolved', 5_000, 'the alert to resolve');
    await db().alertRule.delete({ where: { id: rule.id } });
  });

  it('retries a delivery Telegram refused, waiting as long as it asked', async () => {
    const rule = await db().alertRule.create({
      data: { name: 'retried delivery', condition: { type: 'run-failed' }, scope: { job: 'alert-probe' }, severity: 'critical', channels: [{ type: 'telegram', chatId: '-1002' }], cooldownMinutes: 0 },
    });
    const before = telegram.sent().length;
    const askedAt = Date.now();
    telegram.failNext(1);
    await runToEnd({ fail: true });
    const delivery = await waitFor(async () => {
      const row = await db().alertDelivery.findFirst({ where: { alert: { ruleId: rule.id } }, orderBy: { createdAt: 'desc' } });
      return row?.sentAt ? row : undefined;
    }, 10_000, 'the delivery to go through on a retry');
    expect(delivery.attempts).toBe(2);
    expect(delivery.sentAt!.getTime() - askedAt).toBeGreaterThanOrEqual(1_000); // retry_after: 1
    const calls = telegram.sent().slice(before).filter((call) => call.body.chat_id === '-1002');
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(String(calls.at(-1)!.body.text)).not.toContain('<script>');
    await db().alertRule.delete({ where: { id: rule.id } });
  });
});

const mailTo = (address: string) => smtp.to(address);

describe('e-mail, stack excerpts, escalation and completed notices', () => {
  it('e-mails a failed run: the subject names it, the body links the run and shows the error and the first stack frames escaped, with a plain-text part', async () => {
    const rule = await db().alertRule.create({
      data: { name: 'alert-probe fails by mail', condition: { type: 'run-failed' }, scope: { job: 'alert-probe' }, severity: 'critical', channels: [{ type: 'email', to: 'oncall@kickoff.test' }, { type: 'telegram', chatId: '-1101' }], cooldownMinutes: 30 },
    });
    try {
      const failed = await runToEnd({ fail: true });
      const [mail] = await waitFor(async () => (mailTo('oncall@kickoff.test').length > 0 ? mailTo('oncall@kickoff.test') : undefined), 5_000, 'the e-mail');
      expect(mail!.subject).toBe('[Kickoff critical] alert-probe failed');
      expect(mail!.from).toBe('alerts@kickoff.test');
      expect(mail!.user).toBe('kickoff'); // SMTP_URL's user name authenticated
      expect(mail!.html).toContain(`<a href="http://kickoff.test/runs/${failed.id}">Open the run</a>`);
      expect(mail!.html).toContain('Upstream said &lt;script&gt;alert(1)&lt;/script&gt; &amp; gave up');
      expect(mail!.html).not.toContain('<script>');
      // The first frames of the stack: where the handler threw, in this file.
      const frames = /<pre>(at [^<]*)<\/pre>/.exec(mail!.html)?.[1] ?? '';
      expect(frames).toContain('alert-engine.int.test.ts');
      expect(frames.split('\n').filter((line) => line.startsWith('at ')).length).toBeLessThanOrEqual(5);
      expect(failed.errorStack?.split('\n').filter((line) => line.trim().startsWith('at ')).length).toBeGreaterThan(0);
      expect(mail!.text).toContain(`Open the run: http://kickoff.test/runs/${failed.id}`);
      expect(mail!.text).toContain('Upstream said <script>alert(1)</script> & gave up');
      expect(mail!.text).toContain('Acknowledge it on the Alerts page: http://kickoff.test/alerts');
      // Telegram gets the same excerpt.
      const [message] = await waitFor(async () => (sentTo('-1101').length > 0 ? sentTo('-1101') : undefined), 5_000, 'the Telegram message');
      expect(String(message!.body.text)).toContain(`<pre>${frames}</pre>`);
      const delivery = await waitFor(async () => (await db().alertDelivery.findFirst({ where: { alert: { ruleId: rule.id }, channel: { equals: { type: 'email', to: 'oncall@kickoff.test' } }, sentAt: { not: null } } })) ?? undefined, 5_000, 'the delivery recorded');
      expect(delivery.externalId).toBe(mail!.messageId);
    } finally {
      await db().alertRule.delete({ where: { id: rule.id } });
    }
  });

  it('escalates a critical alert nobody acknowledged for N minutes to the second set of channels, once, and reminds both sets after', async () => {
    await defineTestJob('esc-long');
    const run = await insertRun('esc-long', 'running', new Date(Date.now() - 20_000));
    await withRule({ type: 'long-running', thresholdMs: 10_000 }, { job: 'esc-long' }, async (ruleId) => {
      await db().alertRule.update({ where: { id: ruleId }, data: { escalation: { afterMinutes: 10, channels: [{ type: 'telegram', chatId: '-4002' }, { type: 'email', to: 'lead@kickoff.test' }] } } });
      await settle();
      await waitFor(async () => sentTo('-4001').length === 1, 5_000, 'the first message');
      clockOffsetMs = 9 * 60_000;
      await settle();
      await waitFor(async () => sentTo('-4001').length === 2, 5_000, 'the 5-minute reminder');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sentTo('-4002')).toHaveLength(0);
      expect(mailTo('lead@kickoff.test')).toHaveLength(0);

      clockOffsetMs = 10 * 60_000 + 1_000;
      await settle();
      const [escalated] = await waitFor(async () => (sentTo('-4002').length > 0 ? sentTo('-4002') : undefined), 5_000, 'the escalation to Telegram');
      expect(String(escalated!.body.text)).toContain('<b>Escalated</b>: nobody acknowledged this for 10 min');
      expect(String(escalated!.body.text)).toContain('<b>esc-long</b> is still running');
      expect(JSON.stringify(escalated!.body.reply_markup)).toContain('Acknowledge');
      const [mail] = await waitFor(async () => (mailTo('lead@kickoff.test').length > 0 ? mailTo('lead@kickoff.test') : undefined), 5_000, 'the escalation e-mail');
      expect(mail!.subject).toMatch(/^\[Kickoff critical\] Escalated: esc-long running for/);
      expect(mail!.text).toContain('Escalated: nobody acknowledged this for 10 min');
      const alert = await openAlert(ruleId, 'esc-long');
      expect(alert?.escalatedAt).not.toBeNull();
      expect(sentTo('-4001')).toHaveLength(2); // the escalation is not a reminder to the first set

      // Later rounds escalate no more; the reminders go to both sets.
      clockOffsetMs = 12 * 60_000;
      await settle();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sentTo('-4002')).toHaveLength(1);
      clockOffsetMs = 16 * 60_000;
      await settle();
      await waitFor(async () => sentTo('-4002').length === 2 && sentTo('-4001').length === 3 && mailTo('lead@kickoff.test').length === 2, 5_000, 'the reminder to both sets');
      expect(String(sentTo('-4002')[1]!.body.text)).toContain('Still open');
      expect(mailTo('lead@kickoff.test')[1]!.subject).toMatch(/^\[Kickoff critical\] Still open: esc-long/);
    }, 'critical', [{ type: 'telegram', chatId: '-4001' }]);
    await db().jobRun.update({ where: { id: run.id }, data: { status: 'completed', finishedAt: new Date() } });
  });

  it('never escalates an alert someone acknowledged in time', async () => {
    await defineTestJob('esc-acked');
    const run = await insertRun('esc-acked', 'running', new Date(Date.now() - 20_000));
    await withRule({ type: 'long-running', thresholdMs: 10_000 }, { job: 'esc-acked' }, async (ruleId) => {
      await db().alertRule.update({ where: { id: ruleId }, data: { escalation: { afterMinutes: 10, channels: [{ type: 'telegram', chatId: '-4004' }] } } });
      await settle();
      await waitFor(async () => sentTo('-4003').length === 1, 5_000, 'the first message');
      const alert = await openAlert(ruleId, 'esc-acked');
      await db().alert.update({ where: { id: alert!.id }, data: { status: 'acknowledged', acknowledgedBy: 'ann', acknowledgedAt: new Date() } });
      clockOffsetMs = 30 * 60_000;
      await settle();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sentTo('-4004')).toHaveLength(0);
      expect((await db().alert.findUniqueOrThrow({ where: { id: alert!.id } })).escalatedAt).toBeNull();
    }, 'critical', [{ type: 'telegram', chatId: '-4003' }]);
    await db().jobRun.update({ where: { id: run.id }, data: { status: 'completed', finishedAt: new Date() } });
  });

  it('tells the team a run completed when asked to: a warning notice at once (no button, recorded resolved, one per cooldown), info on the dashboard only, none for runs shorter than minDurationMs', async () => {
    const rules = await Promise.all([
      db().alertRule.create({ data: { name: 'probe done', condition: { type: 'run-completed' }, scope: { job: 'alert-probe' }, severity: 'warning', channels: [{ type: 'telegram', chatId: '-5001' }, { type: 'email', to: 'team@kickoff.test' }], cooldownMinutes: 30 } }),
      db().alertRule.create({ data: { name: 'probe done, quietly', condition: { type: 'run-completed' }, scope: { category: 'diagnostics' }, severity: 'info', channels: [{ type: 'telegram', chatId: '-5002' }], cooldownMinutes: 0 } }),
      db().alertRule.create({ data: { name: 'probe done after a long time', condition: { type: 'run-completed', minDurationMs: 3_600_000 }, scope: { job: 'alert-probe' }, severity: 'warning', channels: [{ type: 'telegram', chatId: '-5003' }], cooldownMinutes: 0 } }),
    ]);
    const [warned, quiet, long] = rules;
    try {
      const done = await runToEnd({});
      const [notice] = await waitFor(async () => (sentTo('-5001').length > 0 ? sentTo('-5001') : undefined), 5_000, 'the notice');
      expect(String(notice!.body.text)).toContain('✅ <b>alert-probe</b> completed in');
      expect(String(notice!.body.text)).toContain(`http://kickoff.test/runs/${done.id}`);
      expect(notice!.body.reply_markup).toBeUndefined();
      const [mail] = await waitFor(async () => (mailTo('team@kickoff.test').length > 0 ? mailTo('team@kickoff.test') : undefined), 5_000, 'the notice by e-mail');
      expect(mail!.subject).toBe('[Kickoff warning] alert-probe completed');
      expect(mail!.text).not.toContain('Acknowledge');
      const recorded = await db().alert.findFirstOrThrow({ where: { ruleId: warned!.id } });
      expect(recorded).toMatchObject({ status: 'resolved', title: 'alert-probe completed', runId: done.id, count: 1 });

      await runToEnd({});
      await waitFor(async () => (await db().alert.findFirstOrThrow({ where: { ruleId: warned!.id } })).count === 2, 5_000, 'the second completion counted');
      expect(await db().alert.count({ where: { ruleId: warned!.id } })).toBe(1);
      const quietNotices = await waitFor(async () => {
        const rows = await db().alert.findMany({ where: { ruleId: quiet!.id, subject: 'alert-probe' }, include: { deliveries: true } });
        return rows.length >= 2 ? rows : undefined;
      }, 5_000, 'both completions on the dashboard (cooldown 0)');
      expect(quietNotices.every((row) => row.deliveries.length === 0 && row.status === 'resolved')).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sentTo('-5001')).toHaveLength(1);
      expect(sentTo('-5002')).toHaveLength(0);
      expect(await db().alert.count({ where: { ruleId: long!.id } })).toBe(0);
      expect(sentTo('-5003')).toHaveLength(0);
    } finally {
      await db().alertRule.deleteMany({ where: { id: { in: rules.map((rule) => rule.id) } } });
    }
  });
});

/** Rows as the status writer leaves them, for conditions that read run history. */
const insertRun = (jobName: string, status: 'failed' | 'completed' | 'running', at: Date, extra: Record<string, unknown> = {}) =>
  db().jobRun.create({
    data: { id: randomUUID(), jobName, status, trigger: 'api', queuedAt: at, startedAt: at, finishedAt: status === 'running' ? null : at, updatedAt: at, error: status === 'failed' ? 'boom' : null, ...extra },
  });

const defineTestJob = (name: string, extra: Record<string, unknown> = {}) =>
  db().jobDefinition.upsert({ where: { name }, create: { name, category: 'analysis', ...extra }, update: { inCatalog: true, ...extra } });

const openAlert = (ruleId: string, subject: string) => db().alert.findFirst({ where: { ruleId, subject, status: { in: ['open', 'acknowledged'] } } });

async function withRule(condition: object, scope: object, run: (ruleId: string) => Promise<void>, severity: 'critical' | 'warning' | 'info' = 'info', channels: object[] = [{ type: 'dashboard' }]) {
  const rule = await db().alertRule.create({ data: { name: `test ${JSON.stringify(condition)}`, condition, scope, severity, channels, cooldownMinutes: 10 } });
  try {
    await run(rule.id);
  } finally {
    await db().alertRule.delete({ where: { id: rule.id } });
    clockOffsetMs = 0;
  }
}

/** Two evaluation rounds, so a firing has been seen and written. */
const settle = async () => {
  await engine.tick();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await engine.tick();
};

describe('each condition fires, and stays quiet when it does not hold', () => {
  it('long-running: a run past the threshold, with its elapsed time and progress; resolves when it ends', async () => {
    await defineTestJob('cond-long');
    const run = await insertRun('cond-long', 'running', new Date(Date.now() - 20_000), { progress: 40, phase: 'external' });
    await withRule({ type: 'long-running', thresholdMs: 60_000 }, { job: 'cond-long' }, async (ruleId) => {
      await settle();
      expect(await openAlert(ruleId, 'cond-long')).toBeNull();
    });
    await withRule({ type: 'long-running', thresholdMs: 10_000 }, { job: 'cond-long' }, async (ruleId) => {
      await settle();
      const alert = await openAlert(ruleId, 'cond-long');
      expect(alert?.runId).toBe(run.id);
      expect(alert?.message).toMatch(/still running after 2\d\.?\d? s/);
      expect(alert?.message).toContain('progress 40 %, phase <b>external</b>');
      await db().jobRun.update({ where: { id: run.id }, data: { status: 'completed', finishedAt: new Date() } });
      await settle();
      expect(await openAlert(ruleId, 'cond-long')).toBeNull();
    });
  });

  it('error-rate: enough runs failing in the window', async () => {
    await defineTestJob('cond-rate');
    const now = Date.now();
    for (const [index, status] of (['failed', 'failed', 'completed', 'failed'] as const).entries()) await insertRun('cond-rate', status, new Date(now - 60_000 + index * 1_000));
    await insertRun('cond-rate', 'completed', new Date(now - 3_600_000)); // outside the window
    await withRule({ type: 'error-rate', windowMinutes: 5, threshold: 0.5, minRuns: 5 }, { job: 'cond-rate' }, async (ruleId) => {
      await settle();
      expect(await openAlert(ruleId, 'cond-rate')).toBeNull(); // 4 runs in the window, fewer than minRuns
    });
    await withRule({ type: 'error-rate', windowMinutes: 5, threshold: 0.8, minRuns: 4 }, { job: 'cond-rate' }, async (ruleId) => {
      await settle();
      expect(await openAlert(ruleId, 'cond-rate')).toBeNull(); // 75 % is under 80 %
    });
    await withRule({ type: 'error-rate', windowMinutes: 5, threshold: 0.5, minRuns: 4 }, { category: 'analysis' }, async (ruleId) => {
      await settle();
      expect((await openAlert(ruleId, 'cond-rate'))?.title).toBe('cond-rate: 75 % of runs failed');
    });
  });

  it('consecutive-failures: the latest runs all failed', async () => {
    await defineTestJob('cond-streak');
    const now = Date.now();
    for (const [index, status] of (['completed', 'failed', 'failed', 'failed'] as const).entries()) await insertRun('cond-streak', status, new Date(now - 10_000 + index * 1_000));
    await withRule({ type: 'consecutive-failures', count: 4 }, { job: 'cond-streak' }, async (ruleId) => {
      await settle();
      expect(await openAlert(ruleId, 'cond-streak')).toBeNull();
    });
    await withRule({ type: 'consecutive-failures', count: 3 }, { job: 'cond-streak' }, async (ruleId) => {
      await settle();
      expect((await openAlert(ruleId, 'cond-streak'))?.title).toBe('cond-streak failed 3 times in a row');
      await insertRun('cond-streak', 'completed', new Date());
      await settle();
      expect(await openAlert(ruleId, 'cond-streak')).toBeNull();
    });
  });

  it('missed-schedule: a scheduled job with no run when due, quiet once it ran', async () => {
    const created = new Date(Date.now() - 3_600_000);
    await defineTestJob('cond-missed', { schedule: { every: 60_000 }, createdAt: created, updatedAt: created });
    await withRule({ type: 'missed-schedule', graceMinutes: 1 }, { job: 'cond-missed' }, async (ruleId) => {
      await defineTestJob('cond-missed', { updatedAt: created }); // another file's catalog sync may have marked it gone
      await settle();
      expect((await openAlert(ruleId, 'cond-missed'))?.title).toBe('cond-missed did not run when due');
      await insertRun('cond-missed', 'completed', new Date(Date.now() - 30_000), { trigger: 'schedule' });
      await defineTestJob('cond-missed', { updatedAt: created });
      await settle();
      expect(await openAlert(ruleId, 'cond-missed')).toBeNull();
    });
  });

  it('backlog: a queue above the depth for the whole period, not just a moment', async () => {
    const queue = idleQueues.for('maintenance');
    await queue.addBulk(Array.from({ length: 4 }, (_, index) => ({ name: 'waiting', data: { index } })));
    await withRule({ type: 'backlog', waiting: 10, forMinutes: 1 }, { category: 'maintenance' }, async (ruleId) => {
      await settle();
      clockOffsetMs = 120_000;
      await settle();
      expect(await openAlert(ruleId, 'queue:maintenance')).toBeNull();
    });
    await withRule({ type: 'backlog', waiting: 3, forMinutes: 1 }, { category: 'maintenance' }, async (ruleId) => {
      await settle();
      expect(await openAlert(ruleId, 'queue:maintenance')).toBeNull(); // above, but only just now
      clockOffsetMs = 61_000;
      await settle();
      expect((await openAlert(ruleId, 'queue:maintenance'))?.title).toBe('Queue maintenance: 4 waiting');
      await queue.drain();
      await settle();
      expect(await openAlert(ruleId, 'queue:maintenance')).toBeNull();
    });
  });

  it('worker-offline: no heartbeat for the period; resolves when the worker is back', async () => {
    const id = `cond-worker-${randomUUID().slice(0, 8)}`;
    await db().workerHeartbeat.create({ data: { id, host: 'cond-host', pid: 1, lastSeenAt: new Date(Date.now() - 5_000) } });
    try {
      await withRule({ type: 'worker-offline', afterSeconds: 30 }, {}, async (ruleId) => {
        await settle();
        expect(await openAlert(ruleId, `worker:${id}`)).toBeNull();
        clockOffsetMs = 60_000;
        await settle();
        expect((await openAlert(ruleId, `worker:${id}`))?.title).toBe(`Worker ${id} offline`);
        await db().workerHeartbeat.update({ where: { id }, data: { lastSeenAt: new Date(Date.now() + clockOffsetMs) } });
        await settle();
        expect(await openAlert(ruleId, `worker:${id}`)).toBeNull();
      });
    } finally {
      await db().workerHeartbeat.delete({ where: { id } });
    }
  });
});

describe('severities', () => {
  it('critical: sent again every 5 minutes until acknowledged', async () => {
    await defineTestJob('sev-critical');
    await insertRun('sev-critical', 'running', new Date(Date.now() - 20_000));
    await withRule({ type: 'long-running', thresholdMs: 10_000 }, { job: 'sev-critical' }, async (ruleId) => {
      await settle();
      await waitFor(async () => sentTo('-3001').length === 1, 5_000, 'the first message');
      clockOffsetMs = 4 * 60_000;
      await settle();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sentTo('-3001')).toHaveLength(1);
      clockOffsetMs = 5 * 60_000 + 1_000;
      await settle();
      await waitFor(async () => sentTo('-3001').length === 2, 5_000, 'the reminder');
      expect(String(sentTo('-3001')[1]!.body.text)).toContain('Still open');
      const alert = await openAlert(ruleId, 'sev-critical');
      await db().alert.update({ where: { id: alert!.id }, data: { status: 'acknowledged' } });
      clockOffsetMs = 11 * 60_000;
      await settle();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sentTo('-3001')).toHaveLength(2);
    }, 'critical', [{ type: 'telegram', chatId: '-3001' }, { type: 'dashboard' }]);
  });

  it('warning: collected into one hourly digest per channel, grouped by job; info: dashboard only', async () => {
    await defineTestJob('sev-warn-a');
    await defineTestJob('sev-warn-b');
    const now = Date.now();
    for (const job of ['sev-warn-a', 'sev-warn-b']) for (let index = 0; index < 3; index += 1) await insertRun(job, 'failed', new Date(now - 5_000 + index * 100));
    await withRule({ type: 'consecutive-failures', count: 3 }, { category: 'analysis' }, async (ruleId) => {
      await settle();
      expect(await openAlert(ruleId, 'sev-warn-a')).not.toBeNull();
      expect(await openAlert(ruleId, 'sev-warn-b')).not.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sentTo('-3002')).toHaveLength(0);
      clockOffsetMs = 3_600_000;
      await settle();
      const [digest] = await waitFor(async () => (sentTo('-3002').length > 0 ? sentTo('-3002') : undefined), 5_000, 'the digest');
      expect(sentTo('-3002')).toHaveLength(1);
      expect(String(digest!.body.text)).toMatch(/Kickoff warnings<\/b>: \d+ in \d+ jobs/);
      expect(String(digest!.body.text)).toContain('<b>sev-warn-a</b>\n• sev-warn-a failed 3 times in a row');
      expect(String(digest!.body.text)).toContain('<b>sev-warn-b</b>\n• sev-warn-b failed 3 times in a row');
    }, 'warning', [{ type: 'telegram', chatId: '-3002' }]);
    await withRule({ type: 'consecutive-failures', count: 3 }, { job: 'sev-warn-a' }, async (ruleId) => {
      await settle();
      const alert = await openAlert(ruleId, 'sev-warn-a');
      expect(alert).not.toBeNull();
      expect(await db().alertDelivery.count({ where: { alertId: alert!.id } })).toBe(0);
    }, 'info', [{ type: 'telegram', chatId: '-3003' }]);
  });

  it('webhook: a JSON POST with the alert', async () => {
    const { createServer } = await import('node:http');
    const received: unknown[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ contentType: request.headers['content-type'], body: JSON.parse(body) as unknown });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    await defineTestJob('sev-hook');
    await insertRun('sev-hook', 'running', new Date(Date.now() - 20_000));
    try {
      await withRule({ type: 'long-running', thresholdMs: 10_000 }, { job: 'sev-hook' }, async () => {
        await settle();
        const [hit] = await waitFor(async () => (received.length > 0 ? received : undefined), 5_000, 'the webhook');
        expect(hit).toMatchObject({ contentType: 'application/json', body: { subject: 'sev-hook', severity: 'critical', status: 'open' } });
      }, 'critical', [{ type: 'webhook', url }]);
    } finally {
      server.close();
    }
  });
});

describe('the bot', () => {
  it('answers /status and /failed in a linked chat only', async () => {
    const user = await db().user.create({ data: { email: `bot-${randomUUID().slice(0, 6)}@kickoff.test`, name: 'Ann Oncall', passwordHash: 'x', role: 'operator', telegramChatId: '4242' } });
    try {
      telegram.sendCommand(4242, '/status');
      const status = await waitFor(async () => sentTo('4242').at(0), 5_000, 'the /status answer');
      expect(String(status.body.text)).toMatch(/Last hour<\/b>: \d+ runs/);
      telegram.sendCommand(4242, '/failed');
      const failed = await waitFor(async () => sentTo('4242').at(1), 5_000, 'the /failed answer');
      expect(String(failed.body.text)).toContain('Recent failures');
      expect(String(failed.body.text)).toContain('http://kickoff.test/runs/');
      telegram.sendCommand(5151, '/failed');
      const refused = await waitFor(async () => sentTo('5151').at(0), 5_000, 'the refusal');
      expect(String(refused.body.text)).toContain('not linked to Kickoff');
      expect(String(refused.body.text)).not.toContain('Recent failures');
    } finally {
      await db().user.delete({ where: { id: user.id } });
    }
  });

  it('refuses a button press from a chat the alert was not sent to', async () => {
    const rule = await db().alertRule.create({ data: { name: 'forged', condition: { type: 'run-failed' }, scope: { job: 'alert-probe' }, severity: 'critical', channels: [{ type: 'telegram', chatId: '-1003' }], cooldownMinutes: 30 } });
    try {
      await runToEnd({ fail: true });
      const alert = await waitFor(async () => (await db().alertDelivery.findFirst({ where: { alert: { ruleId: rule.id }, sentAt: { not: null } }, include: { alert: true } }))?.alert, 5_000, 'the alert sent');
      const messageId = Number((await db().alertDelivery.findFirstOrThrow({ where: { alertId: alert.id } })).externalId);
      telegram.pressButton(-9999, messageId, `ack:${alert.id}`);
      await waitFor(async () => telegram.calls.find((call) => call.method === 'answerCallbackQuery' && String(call.body.text).includes('not an alert Kickoff sent here')), 5_000, 'the refusal');
      expect((await db().alert.findUniqueOrThrow({ where: { id: alert.id } })).status).toBe('open');
    } finally {
      await db().alertRule.delete({ where: { id: rule.id } });
    }
  });
});
