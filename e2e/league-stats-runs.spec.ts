import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { signIn } from './support/sign-in.ts';

/** A failed post-match stats run, as a worker would have left it (the test's shortcut into the stack's database). */
async function failedPostMatchRun(): Promise<string> {
  const id = randomUUID();
  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO "JobRun" (id, "jobName", status, trigger, source, actor, payload, priority, "maxAttempts", attempt, "queuedAt", "startedAt", "finishedAt", "durationMs", error, "updatedAt")
       VALUES ($1, 'stats-update', 'failed', 'event', 'post-match', 'database', '{"source":"post-match","eventId":1}'::jsonb, 'medium', 2, 2,
         now() - interval '1 minute', now() - interval '1 minute', now() - interval '50 seconds', 10000, 'e2e: step season failed', now())`,
      [id],
    );
  } finally {
    await client.end();
  }
  return id;
}

test('the Stats page lists the last stats runs with their trigger and gameweek; Retry and "Update stats" follow a run to its end', async ({ page }) => {
  test.setTimeout(45_000);
  const failedId = await failedPostMatchRun();
  await signIn(page);
  await page.goto('/league/stats');

  const table = page.getByTestId('stats-runs');
  const failed = table.locator(`tr[data-run-id="${failedId}"]`);
  await expect(failed).toContainText('post-match');
  await expect(failed).toContainText('(GW 1)');
  await expect(failed.getByTestId('status-badge')).toHaveText('failed');
  await expect(failed).toContainText('e2e: step season failed');
  await expect(failed).toContainText('10.0 s');

  // Retry (through POST /api/runs/:id/retry): a new run, refreshed while active until it ends.
  await failed.getByRole('button', { name: /^Retry/ }).click();
  const retried = table.locator('tbody tr').first();
  await expect(retried).toContainText('retry · post-match');
  await expect(retried.getByTestId('status-badge')).toHaveText('completed', { timeout: 20_000 });

  // "Update stats": the button follows the run, then a completion notice; the table shows the admin run.
  await page.getByRole('button', { name: 'Update stats' }).click();
  await expect(page.getByTestId('update-stats').getByRole('button')).toHaveText(/Job queued…|Processing…|Completed/);
  await expect(page.getByTestId('update-stats').getByRole('status')).toContainText('Stats updated', { timeout: 20_000 });
  await expect(page.getByTestId('update-stats').getByRole('button')).toHaveText('Completed');
  const admin = table.locator('tbody tr').first();
  await expect(admin).toContainText('admin');
  await expect(admin.getByTestId('status-badge')).toHaveText('completed');
  await page.screenshot({ path: 'test-results/screenshots/league-stats-runs.png', fullPage: true });
});
