import { expect, test } from '@playwright/test';
import { e2eApiKey, setSettings } from './support/stack.ts';
import { signIn } from './support/sign-in.ts';

test('disabling a job pauses its schedule, enabling resumes it, both in the audit log', async ({ page }) => {
  await signIn(page);
  await page.goto('/jobs');
  const row = page.locator('li[data-job="cleanup"]');
  await expect(row).toContainText('At 03:00 (UTC)');
  await expect(row).toContainText('next in');
  await row.getByRole('switch', { name: 'Enable cleanup' }).uncheck();
  await expect(row).toContainText('disabled');
  await expect(row).not.toContainText('next in');
  const headers = { authorization: `Bearer ${e2eApiKey}` };
  const paused = (await (await page.request.get('/api/jobs/cleanup', { headers })).json()) as { job: { enabled: boolean } };
  expect(paused.job.enabled).toBe(false);
  await row.getByRole('switch', { name: 'Enable cleanup' }).check();
  await expect(row).toContainText('next in');
  await page.goto('/audit');
  await expect(page.locator('tr[data-action="job.update"]').first()).toContainText('cleanup');
});

test('an invalid config edit is refused with the field error next to the field; a valid one is saved', async ({ page }) => {
  await signIn(page);
  await page.goto('/jobs/cleanup');
  const field = page.getByLabel('Keep expired sessions for');
  await field.fill('0');
  await page.getByRole('button', { name: 'Save config' }).click();
  await expect(page.locator('#config-sessionMaxAgeMinutes-error')).toContainText(/>=1|at least|too small/i);
  await field.fill('45');
  await page.getByRole('button', { name: 'Save config' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved');
  await expect(page.getByText('Config version')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Keep expired sessions for')).toHaveValue('45');
});

test('a second "Run now" inside the cooldown is refused with the wait; an admin may run anyway', async ({ page, baseURL }) => {
  await setSettings(baseURL!, { 'triggers.jobCooldownSeconds': 60 });
  try {
    await signIn(page);
    await page.goto('/jobs');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await page.locator('li[data-job="probe"]').getByRole('button', { name: 'Run now' }).click();
      await page.getByRole('dialog', { name: 'Run probe' }).getByRole('button', { name: 'Run', exact: true }).click();
    }
    const dialog = page.getByRole('dialog', { name: 'Run probe' });
    await expect(dialog.getByRole('alert')).toContainText(/moments ago.*try again in \d+ s/);
    await dialog.getByRole('button', { name: 'Run anyway (admin)' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('status')).toContainText('Queued probe');
  } finally {
    await setSettings(baseURL!, { 'triggers.jobCooldownSeconds': 0 });
  }
});

test('"Run now" builds its form from the payload schema, shows field errors by the field, and keeps named templates', async ({ page }) => {
  await signIn(page);
  await page.goto('/jobs');
  await page.locator('li[data-job="probe"]').getByRole('button', { name: 'Run now' }).click();
  const dialog = page.getByRole('dialog', { name: 'Run probe' });
  await dialog.getByLabel('Progress steps', { exact: true }).fill('0');
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(dialog.locator('#payload-steps-error')).toContainText(/>=1|too small/i);
  await dialog.getByLabel('Progress steps', { exact: true }).fill('3');
  await dialog.getByLabel('Save this payload as').fill('three steps');
  await dialog.getByRole('button', { name: 'Save template' }).click();
  await expect(dialog.getByLabel('Template')).toContainText('three steps');
  await dialog.getByRole('button', { name: 'Close' }).click();

  await page.locator('li[data-job="probe"]').getByRole('button', { name: 'Run now' }).click();
  await dialog.getByLabel('Progress steps', { exact: true }).fill('');
  await dialog.getByLabel('Template').selectOption({ label: 'three steps' });
  await expect(dialog.getByLabel('Progress steps', { exact: true })).toHaveValue('3');
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await page.getByRole('link', { name: 'View run' }).click();
  await expect(page.getByRole('region', { name: 'Payload' })).toContainText('"steps": 3');
});
