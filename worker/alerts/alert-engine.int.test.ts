import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from '@/scripts/test/fake-telegram.ts';
import { startInProcessWorker, stopInProcessWorker } from '@/scripts/test/in-process-worker.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { db } from '@/lib/db.ts';
import { createRedis } from '@/lib/redis.ts';
import { enqueueRun } from '@/lib/runs/enqueue-run.ts';
import { z } from 'zod';
import { registerJobs } from '@/lib/jobs/catalog.ts';
import { defineJob } from '@/lib/jobs/define-job.ts';
import { defineHandler } from '../define-handler.ts';
import { handlers } from '../jobs/index.ts';
import type { Runner } from '../runner.ts';
import { AlertEngine } from './alert-engine.ts';
import { TelegramChannel } from './telegram-channel.ts';

const prefix = useOwnQueuePrefix('alerts');
/** A job only this file runs, so failures from other test files never reach its rules. */
const alertProbe = defineJob({ name: 'alert-probe', category: 'diagnostics', description: 'fails on request', retry: { backoff: 'none' }, payload: z.object({ fail: z.boolean().default(false) }) });
registerJobs([alertProbe]);
const alertProbeHandler = defineHandler(alertProbe, async (ctx) => {
  if (ctx.payload.fail) throw new Error('Upstream said <script>alert(1)</script> & gave up');
  return null;
});
const telegram = new FakeTelegram();
let runner: Runner;
let engine: AlertEngine;
const lockConnection = createRedis('worker');

beforeAll(async () => {
  await telegram.start();
  runner = await startInProcessWorker(prefix, [...handlers, alertProbeHandler as never]);
  engine = new AlertEngine({ db: db(), redis: lockConnection, prefix, owner: 'test', telegram: new TelegramChannel('123:TEST', telegram.apiRoot), publicUrl: 'http://kickoff.test', intervalMs: 200 });
  engine.start();
});

afterAll(async () => {
  engine.stop();
  lockConnection.disconnect();
  await telegram.stop();
  await stopInProcessWorker(runner);
});

const runToEnd = async (payload: object) => {
  const { run } = await enqueueRun('alert-probe', { payload, trigger: 'api' });
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
    const [message] = await waitFor(async () => (telegram.sent().length > 0 ? telegram.sent() : undefined), 5_000, 'a sendMessage');
    expect(telegram.sent()).toHaveLength(1);
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
    expect(telegram.sent()).toHaveLength(1);

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
    const calls = telegram.sent().slice(before);
    expect(calls.filter((call) => call.body.chat_id === '-1002').length).toBeGreaterThanOrEqual(2);
    expect(String(calls.at(-1)!.body.text)).not.toContain('<script>');
    await db().alertRule.delete({ where: { id: rule.id } });
  });
});
