import { expect, test, type APIRequestContext } from '@playwright/test';
import { e2eApiKey } from './support/stack.ts';
import { signIn } from './support/sign-in.ts';

const headers = { authorization: `Bearer ${e2eApiKey}` };

/**
 * A post-match stats run for gameweek 1 that ended without running: queued while the stats
 * queue is paused, then cancelled (a cancelled run, like a failed one, may be retried).
 */
async function cancelledPostMatchRun(request: APIRequestContext): Promise<string> {
  expect((await request.post('/api/queues/stats/pause', { headers })).ok()).toBe(true);
  try {
    const triggered = await request.post('/api/jobs/stats-update/trigger', { headers, data: { payload: { source: 'post-match', eventId: 1 }, source: 'post-match' } });
    expect(triggered.status()).toBe(202);
    const { runId } = (await triggered.json()) as { runId: string };
    expect((await request.post(`/api/runs/${runId}/cancel`, { headers })).status()).toBe(202);
    return runId;
  } finally {
    expect((await request.post('/api/queues/stats/resume', { headers })).ok()).toBe(true);
  }
}

test('the Stats page lists the last stats runs with their trigger and gameweek; Retry and "Update stats" follow a run to its end', async ({ page, request }) => {
  test.setTimeout(45_000);
  const endedId = await cancelledPostMatchRun(request);
  await signIn(page);
  await page.goto('/league/stats');

  const table = page.getByTestId('stats-runs');
  const failed = table.locator(`tr[data-run-id="${endedId}"]`);
  await expect(failed).toContainText('post-match');
  await expect(failed).toContainText('(GW 1)');
  await expect(failed.getByTestId('status-badge')).toHaveText('cancelled');

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
