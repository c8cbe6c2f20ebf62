import { expect, test } from '@playwright/test';
import { e2eAdmin } from './support/stack.ts';
import { focused, isFocusedWithin, tabTo } from './support/keyboard.ts';
import { signIn } from './support/sign-in.ts';

/** The keyboard alone, as WCAG 2.1.1, 2.4.1, 2.4.3, 2.4.7 ask: no mouse, no click(), no fill(). */

test('sign in, Run now (probe), submit and open the run with the keyboard alone', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);

  // The first Tab stop is the skip link, shown while it has focus.
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  await expect(skip).toBeFocused();
  expect((await skip.boundingBox())!.width).toBeGreaterThan(50);
  expect((await focused(page)).ring).toBe(true);

  await tabTo(page, page.getByLabel('Email'), { max: 3 });
  await page.keyboard.type(e2eAdmin.email);
  await tabTo(page, page.getByLabel('Password'), { max: 2 });
  await page.keyboard.type(e2eAdmin.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);

  // The skip link jumps over the header: the next Tab stop is inside <main>.
  await page.keyboard.press('Tab');
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
  await page.keyboard.press('Tab');
  expect(await isFocusedWithin(page.locator('main'))).toBe(true);

  // To Jobs through the main navigation.
  await page.keyboard.press('Shift+Tab');
  await tabTo(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }), { max: 12, backwards: true });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();

  // Every control on the way to probe's "Run now" is a Tab stop with the focus ring.
  const runNow = page.locator('li[data-job="probe"]').getByRole('button', { name: 'Run now' });
  await expect(runNow).toBeVisible();
  await tabTo(page, runNow, { max: 200 });

  // The dialog takes focus (its first field), keeps it, and gives it back on Escape.
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Run probe' });
  await expect(dialog).toBeVisible();
  const firstField = dialog.locator('fieldset').locator('input, select').first();
  await expect(firstField).toBeFocused();
  // Tab never reaches the page behind (it is inert): past the last control focus leaves for
  // the browser's own UI (nothing focused in the document) and comes back to the first one.
  let wrapped = 0;
  for (let press = 0; press < 24; press += 1) {
    await page.keyboard.press('Tab');
    const inDialog = await isFocusedWithin(dialog);
    if (!inDialog) {
      expect((await focused(page)).tag, `Tab ${press + 1} leaves only for the browser`).toBe('body');
      await page.keyboard.press('Tab');
      await expect(dialog.getByRole('button', { name: 'Edit as JSON' })).toBeFocused();
      wrapped += 1;
    }
  }
  expect(wrapped).toBeGreaterThan(0);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(runNow).toBeFocused();

  await page.keyboard.press('Enter');
  await expect(firstField).toBeFocused();
  const fail = dialog.getByLabel('Fail at the end');
  if (!(await fail.evaluate((element) => element === document.activeElement))) await tabTo(page, fail, { max: 3 });
  if (await fail.isChecked()) await page.keyboard.press('Space');
  await expect(fail).not.toBeChecked();
  await tabTo(page, dialog.getByLabel('Time to spend'), { max: 3, backwards: true });
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('1.5'); // seconds
  await tabTo(page, dialog.getByLabel('Progress steps'), { max: 3 });
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('3');
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(runNow).toBeFocused();

  // The confirmation is the next Tab stop after the button.
  const viewRun = page.locator('li[data-job="probe"]').getByRole('link', { name: 'View run' });
  await tabTo(page, viewRun, { max: 2 });
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page).toHaveTitle(/^Run [0-9a-f]{8} · probe · Kickoff$/);
  const badge = page.getByRole('heading', { level: 1 }).getByTestId('status-badge');
  await expect(badge).toHaveText('completed', { timeout: 15_000 });
  await expect(page.getByRole('region', { name: 'Payload' })).toContainText('"sleepMs": 1500');
  await expect(page.getByRole('region', { name: 'Payload' })).toContainText('"steps": 3');
});

test('the runs filters, bulk retry and row actions are reachable and focused from the keyboard', async ({ page }) => {
  await signIn(page);
  const headers = { 'sec-fetch-site': 'same-origin' };
  const failed = await page.request.post('/api/jobs/probe/trigger', { headers, data: { payload: { fail: true } } });
  expect(failed.status()).toBe(202);
  await page.goto('/runs');
  const { runId } = (await failed.json()) as { runId: string };
  const row = page.locator(`tr[data-run-id="${runId}"]`);
  await expect(row.getByTestId('status-badge')).toHaveText('failed', { timeout: 15_000 });

  // A filter, from the keyboard: Status → failed.
  const status = page.getByLabel('Status');
  await tabTo(page, status, { max: 20 });
  await page.keyboard.type('failed');
  await expect(status).toHaveValue('failed');
  await expect(page.locator('tr[data-run-id]').first().getByTestId('status-badge')).toHaveText('failed');

  // Select the run (Space), then the bulk action appears and is reachable.
  await tabTo(page, row.getByRole('checkbox'), { max: 40 });
  await page.keyboard.press('Space');
  await expect(row.getByRole('checkbox')).toBeChecked();
  await tabTo(page, page.getByRole('button', { name: 'Retry selected (1)' }), { max: 60, backwards: true });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Retried 1 of 1 runs' })).toBeVisible();

  // Row actions too: Retry on the failed row.
  await tabTo(page, row.getByRole('button', { name: 'Retry' }), { max: 60 });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Retry queued as run' })).toBeVisible();
});
