import { expect, test, type Page } from '@playwright/test';
import { signIn } from './support/sign-in.ts';

async function runProbe(page: Page, payload: unknown): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
  await page.locator('li[data-job="probe"]').getByRole('button', { name: 'Run now' }).click();
  const dialog = page.getByRole('dialog', { name: 'Run probe' });
  await dialog.getByRole('button', { name: 'Edit as JSON' }).click();
  await dialog.getByLabel('Payload', { exact: true }).fill(JSON.stringify(payload));
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(dialog).toBeHidden();
}

test('sign in, run probe from the dashboard, and watch it complete without reloading', async ({ page }) => {
  await signIn(page);
  await page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));
  // Long enough that the page's 2 s polling sees it running, even on a loaded machine.
  await runProbe(page, { sleepMs: 6000, steps: 6 });
  await page.getByRole('link', { name: 'View run' }).click();
  const badge = page.getByRole('heading', { level: 1 }).getByTestId('status-badge');
  await expect(badge).toHaveText(/^(queued|running)$/);
  await expect(badge).toHaveText('running', { timeout: 8_000 });
  await expect(badge).toHaveText('completed', { timeout: 20_000 });
  await expect(page.getByRole('region', { name: 'Result' })).toContainText('"sleptMs": 6000');
  expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);
});

test('a failing probe shows failed with its error; Retry makes a new run linked both ways', async ({ page }) => {
  await signIn(page);
  await runProbe(page, { fail: true });
  await page.getByRole('link', { name: 'View run' }).click();
  const badge = page.getByRole('heading', { level: 1 }).getByTestId('status-badge');
  await expect(badge).toHaveText('failed', { timeout: 15_000 });
  await expect(page.getByRole('region', { name: 'Error' })).toContainText('Probe failed on request after 1 step(s)');
  const failedUrl = page.url();
  await page.getByRole('button', { name: 'Retry' }).click();
  await page.getByRole('status').getByRole('link').click();
  await expect(page).not.toHaveURL(failedUrl);
  await expect(page.getByRole('region', { name: 'Details' })).toContainText('retry');
  await page.getByRole('region', { name: 'Details' }).getByRole('link').first().click();
  await expect(page).toHaveURL(failedUrl);
  await expect(page.getByRole('region', { name: 'Details' })).toContainText('Retried by');
});

test('cancel a running run from the runs table', async ({ page }) => {
  await signIn(page);
  await runProbe(page, { sleepMs: 30_000, steps: 30 });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
  const row = page.locator('tr[data-job="probe"]').filter({ has: page.getByTestId('status-badge').getByText('running') }).first();
  await row.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('tr[data-job="probe"]').first().getByTestId('status-badge')).toHaveText('cancelled', { timeout: 5_000 });
});

test('a bad payload is refused with the field error and queues nothing', async ({ page }) => {
  await signIn(page);
  await page.goto('/runs');
  await expect(page.locator('tr[data-job]').first()).toBeVisible();
  const rowsBefore = await page.locator('tr[data-job]').count();
  await page.goto('/jobs');
  await page.locator('li[data-job="probe"]').getByRole('button', { name: 'Run now' }).click();
  const dialog = page.getByRole('dialog', { name: 'Run probe' });
  await dialog.getByRole('button', { name: 'Edit as JSON' }).click();
  await dialog.getByLabel('Payload', { exact: true }).fill(JSON.stringify({ steps: 0 }));
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText('steps:');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.goto('/runs');
  await expect(page.locator('tr[data-job]')).toHaveCount(rowsBefore);
});

test('what people did shows in the audit log', async ({ page }) => {
  await signIn(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  for (const action of ['job.trigger', 'run.retry', 'run.cancel']) await expect(page.locator(`tr[data-action="${action}"]`).first()).toBeVisible();
});

test('signing out returns to the sign-in page', async ({ page }) => {
  await signIn(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/runs');
  await expect(page).toHaveURL(/\/login\?next=%2Fruns/);
});
