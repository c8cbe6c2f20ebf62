import { expect, test } from '@playwright/test';
import { e2eApiKey } from './support/stack.ts';
import { signIn } from './support/sign-in.ts';

const telegramCalls = async () => (await (await fetch(`${process.env.E2E_TELEGRAM_ROOT}/__calls`)).json()) as { method: string; body: Record<string, unknown> }[];

test('an admin creates, edits, disables and deletes an alert rule with inline validation; a failing probe alerts Telegram and is acknowledged, then resolved', async ({ page }) => {
  await signIn(page);
  await page.goto('/alerts');
  // The one rule a job asks for (picks-processing's alertOnFailure), made by the worker's catalog sync.
  const defaultRule = page.locator('li[data-rule="picks-processing failed"]');
  await expect(defaultRule).toContainText('run-failed · job picks-processing · critical · dashboard');

  await page.getByRole('button', { name: 'New rule' }).click();
  const form = page.getByRole('form', { name: 'New alert rule' });
  // Nothing filled in: the errors appear next to their fields, nothing is sent.
  await form.getByRole('checkbox', { name: 'Dashboard' }).uncheck();
  await form.getByRole('combobox', { name: 'Condition' }).selectOption('long-running');
  await form.getByLabel('Threshold (ms)').fill('5');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(form.locator('[data-field-error="name"]')).toHaveText('Name the rule');
  await expect(form.locator('[data-field-error="condition.thresholdMs"]')).toContainText(/>=1000|at least|too small/i);
  await expect(form.locator('[data-field-error="channels"]')).toHaveText('Send it somewhere: add a channel');
  // A chat id Kickoff cannot read is named at its own input.
  await form.getByLabel('Telegram chat ids (comma-separated)').fill('my team chat');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(form.locator('[data-field-error="telegram"]')).toContainText('a numeric chat id or @channel');
  await page.screenshot({ path: 'test-results/screenshots/alerts-rule-errors.png', fullPage: true });

  await form.getByLabel('Name').fill('Probe fails');
  await form.getByRole('combobox', { name: 'Condition' }).selectOption('run-failed');
  await form.getByLabel('Applies to').selectOption('job');
  await form.getByLabel('Job', { exact: true }).fill('probe');
  await form.getByLabel('Telegram chat ids (comma-separated)').fill('-100777');
  await form.getByRole('checkbox', { name: 'Dashboard' }).check();
  await form.getByRole('button', { name: 'Add rule' }).click();
  const rule = page.locator('li[data-rule="Probe fails"]');
  await expect(rule).toContainText('run-failed · job probe · critical · dashboard, telegram -100777 · cooldown 15 min');

  await rule.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'Edit Probe fails' });
  await edit.getByLabel('Cooldown (minutes)').fill('30');
  await edit.getByRole('button', { name: 'Save rule' }).click();
  await expect(rule).toContainText('cooldown 30 min');

  // A failing probe: one Telegram message naming the job and the error, an open alert.
  const headers = { authorization: `Bearer ${e2eApiKey}` };
  expect((await page.request.post('/api/jobs/probe/trigger', { headers, data: { payload: { fail: true } } })).status()).toBe(202);
  const alert = page.locator('li[data-alert]').filter({ hasText: 'probe failed' }).first();
  await expect(alert).toContainText('open', { timeout: 15_000 });
  await expect.poll(async () => (await telegramCalls()).filter((call) => call.method === 'sendMessage' && call.body.chat_id === '-100777').length, { timeout: 10_000 }).toBe(1);
  const [message] = (await telegramCalls()).filter((call) => call.method === 'sendMessage' && call.body.chat_id === '-100777');
  expect(String(message!.body.text)).toContain('<b>probe</b> failed');
  expect(String(message!.body.text)).toContain('Probe failed on request');
  await expect(alert).toContainText('telegram: sent');

  await page.screenshot({ path: 'test-results/screenshots/alerts-open.png', fullPage: true });
  await alert.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(alert).toContainText('acknowledged by e2e-admin@kickoff.local');
  await alert.getByRole('button', { name: 'Resolve' }).click();
  await expect(alert).toContainText('resolved');
  await expect(alert.getByRole('button', { name: 'Resolve' })).toHaveCount(0);

  await rule.getByRole('button', { name: 'Disable' }).click();
  await expect(rule).toContainText('disabled');
  // Delete asks first, in Kickoff's own dialog: focus starts on Cancel, Escape keeps the rule.
  await rule.getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete the rule “Probe fails”?' });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(confirm).toBeHidden();
  await expect(rule.getByRole('button', { name: 'Delete' })).toBeFocused();
  await rule.getByRole('button', { name: 'Delete' }).click();
  await confirm.getByRole('button', { name: 'Delete rule' }).click();
  await expect(rule).toHaveCount(0);
  await expect(page.locator('li[data-rule]')).toHaveCount(1);
  await expect(defaultRule).toBeVisible();
});

test('"Send test message" reaches the chat, and a chat Telegram does not know is named at the field', async ({ page }) => {
  await signIn(page);
  await page.goto('/alerts');
  const chat = page.getByLabel('Chat id');
  await chat.fill('-404123');
  await page.getByRole('button', { name: 'Send test message' }).click();
  await expect(page.locator('[data-field-error="chatId"]')).toContainText('chat not found');
  await chat.fill('-100888');
  await page.getByRole('button', { name: 'Send test message' }).click();
  await expect(page.getByText('Sent to -100888: check the chat.')).toBeVisible();
  const sent = (await telegramCalls()).filter((call) => call.method === 'sendMessage' && call.body.chat_id === '-100888');
  expect(String(sent.at(-1)!.body.text)).toContain('Test message from Kickoff, sent by <b>e2e-admin@kickoff.local</b>');
});

test('a webhook aimed inside is refused at its field; a webhook that fails shows as a failing channel on the Alerts page', async ({ page }) => {
  await signIn(page);
  await page.goto('/alerts');
  await page.getByRole('button', { name: 'New rule' }).click();
  const form = page.getByRole('form', { name: 'New alert rule' });
  await form.getByLabel('Name').fill('Probe fails to a webhook');
  await form.getByRole('combobox', { name: 'Condition' }).selectOption('run-failed');
  await form.getByLabel('Applies to').selectOption('job');
  await form.getByLabel('Job', { exact: true }).fill('probe');
  for (const url of ['http://127.0.0.1:3100/admin/reset', 'http://2130706433:3100/admin/reset', 'http://[::ffff:127.0.0.1]:3100/']) {
    await form.getByLabel('Webhook URL (JSON POST)').fill(url);
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect(form.locator('[data-field-error="webhook"]')).toContainText('is a private or reserved address');
  }
  await form.getByLabel('Webhook URL (JSON POST)').fill('https://ops:secret@hooks.example.com/kickoff');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(form.locator('[data-field-error="webhook"]')).toContainText('no user name or password');
  // A name that resolves nowhere (the .invalid domain never does): saved, and fails at delivery.
  await form.getByLabel('Webhook URL (JSON POST)').fill('http://kickoff-e2e.invalid/hook?token=abc');
  await form.getByRole('button', { name: 'Add rule' }).click();
  const rule = page.locator('li[data-rule="Probe fails to a webhook"]');
  await expect(rule).toContainText('webhook kickoff-e2e.invalid');

  const headers = { authorization: `Bearer ${e2eApiKey}` };
  expect((await page.request.post('/api/jobs/probe/trigger', { headers, data: { payload: { fail: true } } })).status()).toBe(202);
  const failing = page.getByRole('list', { name: 'Failing channels' }).locator('li[data-channel="webhook:kickoff-e2e.invalid"]');
  await expect(failing).toContainText('webhook kickoff-e2e.invalid is failing', { timeout: 20_000 });
  await expect(failing).toContainText('not delivered: the host could not be reached or did not answer within 10 s');
  await expect(page.getByRole('list', { name: 'Failing channels' })).not.toContainText('token=abc');
  await page.screenshot({ path: 'test-results/screenshots/alerts-failing-channel.png', fullPage: true });

  await rule.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: /^Delete the rule/ }).getByRole('button', { name: 'Delete rule' }).click();
  await expect(rule).toHaveCount(0);
});

interface Mail {
  to: string[];
  subject: string;
  html: string;
  text: string;
}
const inbox = async (address: string) => ((await (await fetch(process.env.E2E_SMTP_INBOX!)).json()) as Mail[]).filter((mail) => mail.to.includes(address));

test('an admin creates a rule with an e-mail channel and an escalation, each error next to its field; the failing probe is e-mailed with its run link; "Send test e-mail" checks an address', async ({ page }) => {
  await signIn(page);
  await page.goto('/alerts');
  await page.getByRole('button', { name: 'New rule' }).click();
  const form = page.getByRole('form', { name: 'New alert rule' });
  await form.getByLabel('Name').fill('Probe fails, by mail');
  await form.getByLabel('Applies to').selectOption('job');
  await form.getByLabel('Job', { exact: true }).fill('probe');
  await form.getByRole('checkbox', { name: 'Dashboard' }).uncheck();
  await form.getByLabel('E-mail addresses (comma-separated)').fill('oncall@kickoff.test, not-an-address');
  await form.getByRole('checkbox', { name: 'When nobody acknowledges it, send it to more channels' }).check();
  await form.getByLabel('Not acknowledged for (minutes)').fill('0');
  await form.getByRole('combobox', { name: 'Severity' }).selectOption('warning');
  await form.getByRole('button', { name: 'Add rule' }).click();
  // The schema the API uses, in the browser: each message at its own field, nothing sent.
  await expect(form.locator('[data-field-error="email"]')).toHaveText('an e-mail address such as ops@example.com');
  await expect(form.locator('[data-field-error="escalation.afterMinutes"]')).toContainText(/>=1|at least|too small/i);
  await expect(form.locator('[data-field-error="escalationChannels"]')).toHaveText('Escalate to somewhere: add a channel');
  await expect(form.locator('[data-field-error="escalation"]')).toHaveText('Only critical alerts escalate (they are the ones acknowledged)');
  await form.getByLabel('Then e-mail addresses').fill('lead@kickoff.test');
  await form.getByLabel('Then Telegram chat ids').fill('-100555');
  await form.getByLabel('Not acknowledged for (minutes)').fill('20');
  await form.getByRole('combobox', { name: 'Severity' }).selectOption('critical');
  await form.getByLabel('E-mail addresses (comma-separated)').fill('oncall@kickoff.test');
  await page.screenshot({ path: 'test-results/screenshots/alerts-email-escalation-form.png', fullPage: true });
  await form.getByRole('button', { name: 'Add rule' }).click();

  const rule = page.locator('li[data-rule="Probe fails, by mail"]');
  await expect(rule).toContainText('run-failed · job probe · critical · email oncall@kickoff.test · cooldown 15 min · escalates after 20 min to telegram -100555, email lead@kickoff.test');
  // Editing shows what was saved, escalation included.
  await rule.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'Edit Probe fails, by mail' });
  await expect(edit.getByLabel('E-mail addresses (comma-separated)')).toHaveValue('oncall@kickoff.test');
  await expect(edit.getByLabel('Then e-mail addresses')).toHaveValue('lead@kickoff.test');
  await expect(edit.getByLabel('Not acknowledged for (minutes)')).toHaveValue('20');
  await edit.getByRole('button', { name: 'Cancel' }).click();

  // A failing probe: the e-mail names the job, links the run, shows the error escaped.
  const headers = { authorization: `Bearer ${e2eApiKey}` };
  const triggered = await page.request.post('/api/jobs/probe/trigger', { headers, data: { payload: { fail: true } } });
  expect(triggered.status()).toBe(202);
  const { runId } = (await triggered.json()) as { runId: string };
  await expect.poll(async () => (await inbox('oncall@kickoff.test')).length, { timeout: 15_000 }).toBe(1);
  const [mail] = await inbox('oncall@kickoff.test');
  expect(mail!.subject).toBe('[Kickoff critical] probe failed');
  expect(mail!.html).toContain(`/runs/${encodeURIComponent(runId)}">Open the run</a>`);
  expect(mail!.text).toContain('Probe failed on request');
  expect(mail!.text).toMatch(/Acknowledge it on the Alerts page: http:\/\/localhost:\d+\/alerts/);
  const alert = page.locator('li[data-alert]').filter({ hasText: 'probe failed' }).first();
  await expect(alert).toContainText('email: sent');
  await alert.getByRole('button', { name: 'Resolve' }).click();
  await expect(alert).toContainText('resolved');

  // Send test e-mail: an address the server refuses is named at the field; a good one gets the message.
  const test = page.getByRole('form', { name: 'Send test e-mail' });
  await test.getByLabel('Address').fill('nobody@kickoff.test');
  await test.getByRole('button', { name: 'Send test e-mail' }).click();
  await expect(test.locator('[data-field-error="to"]')).toContainText('550 5.1.1 <nobody@kickoff.test>: no such user here');
  await test.getByLabel('Address').fill('ops@kickoff.test');
  await test.getByRole('button', { name: 'Send test e-mail' }).click();
  await expect(page.getByText('Sent to ops@kickoff.test: check the inbox.')).toBeVisible();
  const [testMail] = await inbox('ops@kickoff.test');
  expect(testMail!.text).toContain('Test message from Kickoff, sent by e2e-admin@kickoff.local');

  await rule.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: /^Delete the rule/ }).getByRole('button', { name: 'Delete rule' }).click();
  await expect(rule).toHaveCount(0);
});
