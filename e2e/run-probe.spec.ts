import { expect, test } from '@playwright/test';
import { signIn } from './support/sign-in.ts';

test('sign in, run probe from the dashboard, and watch it complete without reloading', async ({ page }) => {
  await signIn(page);
  await page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));

  await page.locator('li[data-job="probe"]').getByRole('button', { name: 'Run now' }).click();
  const dialog = page.getByRole('dialog', { name: 'Run probe' });
  await dialog.getByLabel('Payload').fill(JSON.stringify({ sleepMs: 2500, steps: 5 }));
  await dialog.getByRole('button', { name: 'Run' }).click();
  await expect(dialog).toBeHidden();

  const row = page.locator('tr[data-job="probe"]').first();
  await expect(row.getByTestId('status-badge')).toHaveText(/^(queued|running)$/);
  await expect(row.getByTestId('status-badge')).toHaveText('running', { timeout: 5_000 });
  await expect(row.getByTestId('status-badge')).toHaveText('completed', { timeout: 15_000 });
  expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);
});

test('a failing probe shows failed with its error message', async ({ page }) => {
  await signIn(page);
  await page.locator('li[data-job="probe"]').getByRole('button', { name: 'Run now' }).click();
  const dialog = page.getByRole('dialog', { name: 'Run probe' });
  await dialog.getByLabel('Payload').fill(JSON.stringify({ fail: true }));
  await dialog.getByRole('button', { name: 'Run' }).click();
  const row = page.locator('tr[data-job="probe"]').first();
  await expect(row.getByTestId('status-badge')).toHaveText('failed', { timeout: 15_000 });
  await expect(row).toContainText('Probe failed on request after 1 step(s)');
});

test('a bad payload is refused with the field error and queues nothing', async ({ page }) => {
  await signIn(page);
  await expect(page.locator('tr[data-job]').first()).toBeVisible();
  const rowsBefore = await page.locator('tr[data-job]').count();
  await page.locator('li[data-job="probe"]').getByRole('button', { name: 'Run now' }).click();
  const dialog = page.getByRole('dialog', { name: 'Run probe' });
  await dialog.getByLabel('Payload').fill(JSON.stringify({ steps: 0 }));
  await dialog.getByRole('button', { name: 'Run' }).click();
  await expect(dialog.getByRole('alert')).toContainText('steps:');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.locator('tr[data-job]')).toHaveCount(rowsBefore);
});

test('signing out returns to the sign-in page', async ({ page }) => {
  await signIn(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/runs');
  await expect(page).toHaveURL(/\/login\?next=%2Fruns/);
});
