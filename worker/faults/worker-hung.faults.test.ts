/**
 * Fault: the only worker hangs (SIGSTOP) under a worker-offline rule. Alerts are evaluated in
 * workers, so nobody would hear of it; the web app's watchdog (the entry instrumentation.ts
 * runs, here in a process of its own) must raise the alert and deliver it to Telegram within
 * `afterSeconds` + 30 s, once, and the alert resolves when the worker runs again (SIGCONT).
 */
import { afterAll, expect, it } from 'vitest';
import { FakeTelegram } from '@/scripts/test/fake-telegram.ts';
import { useOwnDatabase } from '@/scripts/test/own-database.ts';
import { useOwnQueuePrefix } from '@/scripts/test/own-queue-prefix.ts';
import { waitFor } from '@/scripts/test/wait-for.ts';
import { startFixtureWorker, startWatchdogProcess, stopWorker, type WorkerProcess } from '@/scripts/test/worker-processes.ts';
import { db } from '@/lib/db.ts';
import { queues } from '@/lib/queue/queues.ts';
import { redis } from '@/lib/redis.ts';
import { kickoffKeys } from '@/lib/redis-keys.ts';

await useOwnDatabase('fault_worker_hung');
const prefix = useOwnQueuePrefix('fault-hung');
const telegram = new FakeTelegram();
const processes: WorkerProcess[] = [];
const afterSeconds = 30;

afterAll(async () => {
  for (const child of processes) child.child.kill('SIGCONT');
  await Promise.all(processes.map((child) => stopWorker(child, 'SIGKILL')));
  await telegram.stop();
  await queues().close();
  redis().disconnect();
  await db().$disconnect();
});

it('alerts from the web app when the only worker hangs, within afterSeconds + 30 s, once, and resolves after SIGCONT', { timeout: 180_000 }, async () => {
  await telegram.start();
  const env = { FIXTURE_ALERTS: '1', TELEGRAM_BOT_TOKEN: '123:FAULT', TELEGRAM_API_ROOT: telegram.apiRoot };
  const rule = await db().alertRule.create({
    data: { name: 'worker offline', condition: { type: 'worker-offline', afterSeconds }, scope: {}, severity: 'critical', channels: [{ type: 'telegram', chatId: '-8001' }], cooldownMinutes: 0 },
  });
  const toChat = () => telegram.sent().filter((call) => call.body.chat_id === '-8001');
  const worker = await startFixtureWorker(env);
  processes.push(worker);
  processes.push(await startWatchdogProcess(env));
  // The worker reports heartbeats and evaluates alerts (its mark in Redis): the watchdog stands by.
  await waitFor(
    async () => (await redis().get(kickoffKeys.alertsEvaluatedAt(prefix))) !== null && (await db().workerHeartbeat.count({ where: { id: worker.workerId, stoppedAt: null } })) === 1,
    20_000,
    'the worker to beat and evaluate',
  );
  expect(toChat()).toHaveLength(0);

  worker.child.kill('SIGSTOP');
  const [message] = await waitFor(async () => (toChat().length > 0 ? toChat() : undefined), (afterSeconds + 30) * 1_000, `the worker-offline alert in Telegram within ${afterSeconds} + 30 s`);
  expect(String(message!.body.text)).toContain(`Worker <b>${worker.workerId}</b>`);
  expect(String(message!.body.text)).toContain('has sent no heartbeat');
  const alert = await db().alert.findFirstOrThrow({ where: { ruleId: rule.id } });
  expect(alert).toMatchObject({ subject: `worker:${worker.workerId}`, status: 'open', severity: 'critical' });

  worker.child.kill('SIGCONT');
  await waitFor(async () => (await db().alert.findUniqueOrThrow({ where: { id: alert.id } })).status === 'resolved', 60_000, 'the alert to resolve after SIGCONT');
  // Once: one alert, one message, whoever evaluated.
  expect(await db().alert.count({ where: { ruleId: rule.id } })).toBe(1);
  expect(toChat()).toHaveLength(1);
});
