import { expect, test } from '@playwright/test';
import { e2eApiKey } from './support/stack.ts';
import { signIn } from './support/sign-in.ts';

const headers = { authorization: `Bearer ${e2eApiKey}` };

test('a config field says what it is: its label, help, unit and default; an array is a list of inputs', async ({ page }) => {
  await signIn(page);
  await page.goto('/jobs/cleanup');
  const field = page.getByLabel('Keep expired sessions for');
  await expect(field).toBeVisible();
  await expect(field).toHaveAccessibleDescription(/Sessions that expired longer ago than this are removed\..*Default: 30 minutes\./);
  await expect(page.locator('[data-field="sessionMaxAgeMinutes"] [data-unit]')).toHaveText('minutes');

  await page.goto('/jobs/entry-updates');
  const leagues = page.getByRole('group', { name: 'Leagues to discover' });
  await expect(leagues.getByRole('spinbutton')).toHaveCount(5);
  await leagues.getByRole('button', { name: 'Add to Leagues to discover' }).click();
  await leagues.getByLabel('Leagues to discover 6', { exact: true }).fill('9');
  await leagues.getByRole('button', { name: 'Remove Leagues to discover 1' }).click();
  await expect(leagues.getByRole('spinbutton')).toHaveCount(5);
  await expect(leagues.getByLabel('Leagues to discover 5', { exact: true })).toHaveValue('9');
  await expect(page.locator('[data-field="minSuccessRatio"] [data-unit]')).toHaveText('%');
  await expect(page.getByLabel('Least share fetched')).toHaveValue('80');
});

test('"Run now" starts from the defaults, says where its payload came from, and resets to the defaults', async ({ page }) => {
  const last = await page.request.post('/api/jobs/probe/trigger', { headers, data: { payload: { sleepMs: 100, steps: 2 } } });
  expect(last.status()).toBe(202);
  await signIn(page);
  await page.goto('/jobs');
  await page.locator('li[data-job="probe"]').getByRole('button', { name: 'Run now' }).click();
  const dialog = page.getByRole('dialog', { name: 'Run probe' });
  const source = dialog.locator('[data-payload-source]');
  await expect(source).toHaveText('Payload from the job’s defaults');
  await expect(dialog.getByLabel('Progress steps')).toHaveValue('1');
  await expect(dialog.locator('[data-field="sleepMs"] [data-unit]')).toHaveText('seconds');

  await dialog.getByRole('button', { name: 'Use the last run’s payload' }).click();
  await expect(source).toHaveText(/^Payload from the last run \([0-9a-f]{8}\)$/);
  await expect(dialog.getByLabel('Progress steps')).toHaveValue('2');
  await expect(dialog.getByLabel('Time to spend')).toHaveValue('0.1');
  await dialog.getByLabel('Progress steps').fill('4');
  await expect(source).toHaveText(/, edited$/);

  await dialog.getByRole('button', { name: 'Reset to defaults' }).click();
  await expect(source).toHaveText('Payload from the job’s defaults');
  await expect(dialog.getByLabel('Progress steps')).toHaveValue('1');
  await expect(dialog.getByLabel('Time to spend')).toHaveValue('0');
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await page.getByRole('link', { name: 'View run' }).click();
  await expect(page.getByRole('region', { name: 'Payload' })).toContainText('"steps": 1');
});

test('the schedule view lists the next fires of a cron job with a window, and marks the fires its window skips', async ({ page }) => {
  // cleanup keeps to quiet hours (01–05 UTC): hourly, it would run 5 times a day and skip 19.
  const hourly = await page.request.patch('/api/jobs/cleanup', { headers, data: { schedule: { cron: '0 * * * *', tz: 'UTC' } } });
  expect(hourly.status()).toBe(200);
  try {
    await signIn(page);
    await page.goto('/jobs');
    const schedule = page.getByRole('region', { name: 'The next 24 hours' });
    const row = schedule.getByRole('img', { name: /^cleanup:/ });
    await expect(row).toHaveAccessibleName(/^cleanup: 24 fires in the next 24 hours, 5 predicted to run, 19 predicted skipped, first .*, window hours 1-5 \(UTC\)$/);
    await expect(row.locator('[data-outcome="runs"]')).toHaveCount(5);
    await expect(row.locator('[data-outcome="window-closed"]')).toHaveCount(19);

    await schedule.getByRole('button', { name: 'List' }).click();
    const listed = schedule.locator('tr[data-schedule-job="cleanup"]');
    await expect(listed).toContainText('window: hours 1-5 (UTC)');
    // Five runs a day: one stretch, or two when the day ahead starts inside the window.
    await expect(listed.locator('li[data-outcome="runs"]').first()).toContainText(/\d{2}:00.*: runs$/);
    await expect(listed.locator('li[data-outcome="window-closed"]').first()).toContainText('skipped: window closed');
  } finally {
    await page.request.patch('/api/jobs/cleanup', { headers, data: { schedule: null } });
  }
});
