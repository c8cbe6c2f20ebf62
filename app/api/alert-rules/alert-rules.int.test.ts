import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, createTestApiKey, routeParams } from '@/scripts/test/api-keys.ts';
import { FakeSmtp } from '@/scripts/test/fake-smtp.ts';
import { FakeTelegram } from '@/scripts/test/fake-telegram.ts';
import { db } from '@/lib/db.ts';
import { env } from '@/lib/env.ts';
import { POST as sendTest } from '../channels/telegram/test/route.ts';
import { POST as sendTestEmail } from '../channels/email/test/route.ts';
import { GET as listRules, POST as createRule } from './route.ts';
import { DELETE as deleteRule, PATCH as patchRule } from './[id]/route.ts';

let admin: string;
let operator: string;
const none = routeParams({} as Record<string, never>);
beforeAll(async () => {
  admin = await createTestApiKey('admin');
  operator = await createTestApiKey('operator', ['*']);
});
afterAll(() => db().$disconnect());
const json = (response: Response) => response.json() as Promise<Record<string, any>>;
const post = (body: unknown, key = admin) => createRule(apiRequest('/api/alert-rules', key, { method: 'POST', body: JSON.stringify(body) }), none);

const valid = { name: 'probe fails', condition: { type: 'run-failed' }, scope: { job: 'probe' }, severity: 'critical', channels: [{ type: 'telegram', chatId: '-100123' }] };

describe('alert rules', () => {
  it('creates a rule with defaults, edits and disables it (audited before/after), and deletes it', async () => {
    const created = await post(valid);
    expect(created.status).toBe(201);
    const { rule } = await json(created);
    expect(rule).toMatchObject({ ...valid, cooldownMinutes: 15, enabled: true });
    const patched = await patchRule(apiRequest(`/api/alert-rules/${rule.id}`, admin, { method: 'PATCH', body: JSON.stringify({ enabled: false, cooldownMinutes: 60 }) }), routeParams({ id: rule.id }));
    expect((await json(patched)).rule).toMatchObject({ enabled: false, cooldownMinutes: 60, severity: 'critical', name: 'probe fails' });
    const audit = await db().auditLog.findFirst({ where: { action: 'alertRule.update', targetId: rule.id } });
    expect([audit?.before, audit?.after]).toEqual([{ enabled: true, cooldownMinutes: 15 }, { enabled: false, cooldownMinutes: 60 }]);
    const { rules } = await json(await listRules(apiRequest('/api/alert-rules', operator), none));
    expect(rules.map((entry: { id: string }) => entry.id)).toContain(rule.id);
    expect((await deleteRule(apiRequest(`/api/alert-rules/${rule.id}`, admin, { method: 'DELETE' }), routeParams({ id: rule.id }))).status).toBe(200);
    expect((await deleteRule(apiRequest(`/api/alert-rules/${rule.id}`, admin, { method: 'DELETE' }), routeParams({ id: rule.id }))).status).toBe(404);
  });

  it('answers 422 with the field errors for each kind of bad body, and 403 for an operator', async () => {
    const cases: [unknown, string][] = [
      [{ ...valid, condition: { type: 'run-exploded' } }, 'condition.type'],
      [{ ...valid, condition: { type: 'long-running' } }, 'condition.thresholdMs'],
      [{ ...valid, condition: { type: 'error-rate', windowMinutes: 10, threshold: 2, minRuns: 5 } }, 'condition.threshold'],
      [{ ...valid, scope: { category: 'nope' } }, 'scope'],
      [{ ...valid, severity: 'loud' }, 'severity'],
      [{ ...valid, channels: [] }, 'channels'],
      [{ ...valid, channels: [{ type: 'webhook', url: 'ftp://x' }] }, 'channels.0.url'],
      [{ ...valid, name: '' }, 'name'],
    ];
    for (const [body, field] of cases) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      const fields = Object.keys((await json(response)).error.details.fieldErrors);
      expect(fields.some((key) => key.startsWith(field)), `${field} in ${fields.join(', ')}`).toBe(true);
    }
    expect((await post(valid, operator)).status).toBe(403);
  });

  it('refuses a webhook aimed inside at save time (422 channels.N.url), on create and on edit, unless its host is allowed', async () => {
    const settings = env();
    const saved = settings.WEBHOOK_ALLOWED_HOSTS;
    const webhook = (url: string) => ({ ...valid, channels: [{ type: 'dashboard' }, { type: 'webhook', url }] });
    try {
      settings.WEBHOOK_ALLOWED_HOSTS = ['hooks.internal', '10.0.0.5'];
      const refused: [string, RegExp][] = [
        ['http://127.0.0.1:3100/admin/reset', /private or reserved/],
        ['http://2130706433:3100/admin/reset', /private or reserved/],
        ['http://0x7f000001:3100/admin/reset', /private or reserved/],
        ['http://0177.0.0.1/', /private or reserved/],
        ['http://127.1/', /private or reserved/],
        ['http://[::1]/', /private or reserved/],
        ['http://[::ffff:127.0.0.1]/', /private or reserved/],
        ['http://169.254.169.254/latest/meta-data/', /private or reserved/],
        ['http://10.0.0.6/hook', /private or reserved/],
        ['http://[fd00::1]/', /private or reserved/],
        ['http://localhost:3100/admin/reset', /is this machine/],
        ['https://user:secret@hooks.example.com/x', /no user name or password/],
        ['gopher://hooks.example.com/', /http\(s\) URL/],
      ];
      for (const [url, message] of refused) {
        const response = await post(webhook(url));
        expect(response.status, url).toBe(422);
        const { fieldErrors } = (await json(response)).error.details;
        expect(Object.keys(fieldErrors), url).toEqual(['channels.1.url']);
        expect(fieldErrors['channels.1.url'][0], url).toMatch(message);
      }
      for (const url of ['https://hooks.example.com/kickoff', 'http://hooks.internal:9000/kickoff', 'http://10.0.0.5/kickoff']) {
        const created = await post(webhook(url));
        expect(created.status, url).toBe(201);
        const { rule } = await json(created);
        const edited = await patchRule(apiRequest(`/api/alert-rules/${rule.id}`, admin, { method: 'PATCH', body: JSON.stringify({ channels: [{ type: 'webhook', url: 'http://[::ffff:7f00:1]:3100/admin/reset' }] }) }), routeParams({ id: rule.id }));
        expect(edited.status).toBe(422);
        expect(Object.keys((await json(edited)).error.details.fieldErrors)).toEqual(['channels.0.url']);
        expect((await db().alertRule.findUniqueOrThrow({ where: { id: rule.id } })).channels).toEqual([{ type: 'dashboard' }, { type: 'webhook', url }]);
        await db().alertRule.delete({ where: { id: rule.id } });
      }
    } finally {
      settings.WEBHOOK_ALLOWED_HOSTS = saved;
    }
  });
});

describe('e-mail channels and escalation', () => {
  const withSmtp = async (url: string | undefined, run: () => Promise<void>) => {
    const settings = env();
    const saved = settings.SMTP_URL;
    settings.SMTP_URL = url;
    try {
      await run();
    } finally {
      settings.SMTP_URL = saved;
    }
  };
  const escalation = { afterMinutes: 15, channels: [{ type: 'email', to: 'lead@example.com' }, { type: 'telegram', chatId: '-100999' }] };
  const fieldsOf = async (response: Response) => (await json(response)).error.details.fieldErrors as Record<string, string[]>;

  it('refuses an e-mail channel at save time while no mail server is set up (SMTP_URL), in the channels and in the escalation', async () => {
    await withSmtp(undefined, async () => {
      const response = await post({ ...valid, channels: [{ type: 'dashboard' }, { type: 'email', to: 'ops@example.com' }], escalation });
      expect(response.status).toBe(422);
      expect(await fieldsOf(response)).toEqual({ 'channels.1.to': ['E-mail is not set up: start Kickoff with SMTP_URL'], 'escalation.channels.0.to': ['E-mail is not set up: start Kickoff with SMTP_URL'] });
      expect(await db().alertRule.count({ where: { name: valid.name, channels: { array_contains: [{ type: 'email', to: 'ops@example.com' }] } } })).toBe(0);
    });
  });

  it('saves a critical rule with an e-mail channel and an escalation, checks an edit against the stored rule, and removes the escalation with null', async () => {
    await withSmtp('smtp://127.0.0.1:2525', async () => {
      const created = await post({ ...valid, channels: [{ type: 'email', to: 'ops@example.com' }], escalation });
      expect(created.status).toBe(201);
      const { rule } = await json(created);
      expect(rule).toMatchObject({ channels: [{ type: 'email', to: 'ops@example.com' }], escalation });
      const patch = (body: unknown) => patchRule(apiRequest(`/api/alert-rules/${rule.id}`, admin, { method: 'PATCH', body: JSON.stringify(body) }), routeParams({ id: rule.id }));
      // Made a warning while it still escalates: refused, nothing changed.
      const warning = await patch({ severity: 'warning' });
      expect(warning.status).toBe(422);
      expect(await fieldsOf(warning)).toEqual({ escalation: ['Only critical alerts escalate (they are the ones acknowledged)'] });
      expect((await db().alertRule.findUniqueOrThrow({ where: { id: rule.id } })).severity).toBe('critical');
      const inside = await patch({ escalation: { afterMinutes: 5, channels: [{ type: 'webhook', url: 'http://127.0.0.1:3100/admin/reset' }] } });
      expect(await fieldsOf(inside)).toEqual({ 'escalation.channels.0.url': [expect.stringContaining('private or reserved')] });
      const cleared = await patch({ escalation: null, severity: 'warning' });
      expect(cleared.status).toBe(200);
      expect((await json(cleared)).rule).toMatchObject({ escalation: null, severity: 'warning' });
      expect((await db().alertRule.findUniqueOrThrow({ where: { id: rule.id } })).escalation).toBeNull();
      const audit = await db().auditLog.findFirstOrThrow({ where: { action: 'alertRule.update', targetId: rule.id } });
      expect(audit.before).toMatchObject({ escalation });
      await db().alertRule.delete({ where: { id: rule.id } });
    });
  });

  it('refuses a critical completed notice', async () => {
    const response = await post({ ...valid, condition: { type: 'run-completed', minDurationMs: 600_000 } });
    expect(response.status).toBe(422);
    expect(await fieldsOf(response)).toEqual({ severity: ['A completed notice is info or warning, not critical'] });
  });
});

describe('Send test e-mail', () => {
  const sendTo = (body: unknown, key = admin) => sendTestEmail(apiRequest('/api/channels/email/test', key, { method: 'POST', body: JSON.stringify(body) }), none);
  const smtp = new FakeSmtp();

  it('says e-mail is not set up without SMTP_URL; sends to an address; names an address the server refuses at the field; answers 503 in time when the server never answers', async () => {
    const missing = await sendTo({ to: 'ops@example.com' });
    expect(missing.status).toBe(409);
    expect((await json(missing)).error.code).toBe('email_not_configured');

    await smtp.start();
    const settings = env();
    const saved = { SMTP_URL: settings.SMTP_URL, SMTP_FROM: settings.SMTP_FROM, ALERT_DELIVERY_TIMEOUT_MS: settings.ALERT_DELIVERY_TIMEOUT_MS };
    Object.assign(settings, { SMTP_URL: smtp.url(), SMTP_FROM: 'Kickoff <kickoff@example.com>', ALERT_DELIVERY_TIMEOUT_MS: 1_500 });
    try {
      const sent = await sendTo({ to: 'ops@example.com' });
      expect(sent.status).toBe(200);
      const { messageId } = await json(sent);
      const [mail] = smtp.to('ops@example.com');
      expect(mail).toMatchObject({ from: 'kickoff@example.com', subject: '[Kickoff info] Test message', messageId });
      expect(mail!.text).toMatch(/Test message from Kickoff, sent by key:\S+ at .* UTC\. Alerts for this address will look like this one\./);
      expect(await db().auditLog.count({ where: { action: 'email.test', targetId: 'ops@example.com', requestId: sent.headers.get('x-request-id') } })).toBe(1);

      const refused = await sendTo({ to: 'nobody@example.com' });
      expect(refused.status).toBe(422);
      expect((await json(refused)).error.details.fieldErrors.to[0]).toMatch(/^the mail server refused: 550 5\.1\.1 <nobody@example\.com>: no such user here/);

      const bad = await sendTo({ to: 'not an address' });
      expect(bad.status).toBe(422);
      expect(Object.keys((await json(bad)).error.details.fieldErrors)).toEqual(['to']);
      expect((await sendTo({ to: 'ops@example.com' }, operator)).status).toBe(403);

      smtp.hang();
      const startedAt = Date.now();
      const hung = await sendTo({ to: 'ops@example.com' });
      expect(hung.status).toBe(503);
      expect((await json(hung)).error.message).toBe('the mail server did not answer within 1.5 s: check SMTP_URL and try again');
      expect(Date.now() - startedAt).toBeLessThan(5_000);
    } finally {
      Object.assign(settings, saved);
      smtp.answerAgain();
      await smtp.stop();
    }
  });
});

describe('alerts', () => {
  it('lists alerts with their deliveries; acknowledging and resolving move them, once each', async () => {
    const { GET: listAlerts } = await import('../alerts/route.ts');
    const { POST: alertAction } = await import('../alerts/[id]/[action]/route.ts');
    const alert = await db().alert.create({
      data: { ruleId: 'r-test', subject: 'probe', severity: 'critical', title: 'probe failed', message: 'x', deliveries: { create: [{ channel: { type: 'telegram', chatId: '1' }, attempts: 2, lastError: 'Too Many Requests' }] } },
    });
    const open = await json(await listAlerts(apiRequest('/api/alerts?status=open', operator), none));
    const listed = open.alerts.find((entry: { id: string }) => entry.id === alert.id);
    expect(listed.deliveries[0]).toMatchObject({ attempts: 2, lastError: 'Too Many Requests', sentAt: null });
    const act = (action: string) => alertAction(apiRequest(`/api/alerts/${alert.id}/${action}`, operator, { method: 'POST' }), routeParams({ id: alert.id, action }));
    expect((await act('ack')).status).toBe(200);
    expect((await db().alert.findUniqueOrThrow({ where: { id: alert.id } })).acknowledgedBy).toMatch(/^key:/);
    expect((await act('ack')).status).toBe(409);
    expect((await act('resolve')).status).toBe(200);
    expect((await act('resolve')).status).toBe(409);
    expect((await act('explode')).status).toBe(404);
    expect((await listAlerts(apiRequest('/api/alerts?status=nope', operator), none)).status).toBe(422);
  });
});

describe('Send test message', () => {
  const telegram = new FakeTelegram();
  const sendTo = (body: unknown, key = admin) => sendTest(apiRequest('/api/channels/telegram/test', key, { method: 'POST', body: JSON.stringify(body) }), none);

  it('says Telegram is not set up when there is no bot token', async () => {
    const response = await sendTo({ chatId: '-100123' });
    expect(response.status).toBe(409);
    expect((await json(response)).error.code).toBe('telegram_not_configured');
  });

  it('sends to the chat, names a chat Telegram refuses as a field error, and checks the body', async () => {
    await telegram.start();
    const settings = env();
    const saved = { TELEGRAM_BOT_TOKEN: settings.TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT: settings.TELEGRAM_API_ROOT };
    Object.assign(settings, { TELEGRAM_BOT_TOKEN: '123:TEST', TELEGRAM_API_ROOT: telegram.apiRoot });
    try {
      const sent = await sendTo({ chatId: '-100123' });
      expect(sent.status).toBe(200);
      expect(await json(sent)).toMatchObject({ sent: true, messageId: expect.any(String) });
      expect(telegram.sent().at(-1)!.body).toMatchObject({ chat_id: '-100123', parse_mode: 'HTML' });
      expect(String(telegram.sent().at(-1)!.body.text)).toContain('Test message from Kickoff');

      const refused = await sendTo({ chatId: '-404000' });
      expect(refused.status).toBe(422);
      expect((await json(refused)).error.details.fieldErrors.chatId[0]).toContain('chat not found');

      const bad = await sendTo({ chatId: 'not a chat' });
      expect(bad.status).toBe(422);
      expect(Object.keys((await json(bad)).error.details.fieldErrors)).toEqual(['chatId']);
      expect((await sendTo({ chatId: '-100123' }, operator)).status).toBe(403);
    } finally {
      Object.assign(settings, saved);
      await telegram.stop();
    }
  });

  it('answers 503 within its deadline when Telegram accepts the connection and never answers', async () => {
    await telegram.start();
    telegram.hang();
    const settings = env();
    const saved = { TELEGRAM_BOT_TOKEN: settings.TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT: settings.TELEGRAM_API_ROOT, ALERT_DELIVERY_TIMEOUT_MS: settings.ALERT_DELIVERY_TIMEOUT_MS };
    Object.assign(settings, { TELEGRAM_BOT_TOKEN: '123:TEST', TELEGRAM_API_ROOT: telegram.apiRoot, ALERT_DELIVERY_TIMEOUT_MS: 2_000 });
    try {
      const response = await Promise.race([sendTo({ chatId: '-100123' }), new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 8_000))]);
      expect(response).not.toBe('still waiting');
      const answered = response as Response;
      expect(answered.status).toBe(503);
      expect((await json(answered)).error.message).toMatch(/^Telegram did not answer within 2 s/);
      expect(telegram.sent().at(-1)!.body).toMatchObject({ chat_id: '-100123' }); // it was asked, and kept silent
    } finally {
      Object.assign(settings, saved);
      telegram.answerAgain();
      await telegram.stop();
    }
  });
});
