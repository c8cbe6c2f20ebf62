import { expect, test, type APIRequestContext } from '@playwright/test';
import { e2eApiKey } from './support/stack.ts';
import { signIn } from './support/sign-in.ts';

const headers = { authorization: `Bearer ${e2eApiKey}` };

/** Moves the stack's league simulator (its clock is stopped at gameweek 1, 30 minutes after the first kick-off). */
async function simulator(path: string, body: object): Promise<void> {
  const response = await fetch(`${process.env.E2E_UPSTREAM_URL}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.ok).toBe(true);
}

/** The minute the simulator says the gameweek's first fixture is at. */
async function upstreamMinute(): Promise<number> {
  const fixtures = (await (await fetch(`${process.env.E2E_UPSTREAM_URL}/api/fixtures/?event=1`)).json()) as { id: number; minutes: number }[];
  return fixtures.sort((a, b) => a.id - b.id)[0]!.minutes;
}

/** Triggers a job over the API and waits for its run to end. */
async function runJob(request: APIRequestContext, name: string): Promise<{ status: string; error: string | null }> {
  const triggered = await request.post(`/api/jobs/${name}/trigger`, { headers, data: { payload: {} } });
  expect(triggered.status()).toBe(202);
  const { runId } = (await triggered.json()) as { runId: string };
  let run = { status: 'queued', error: null as string | null };
  await expect
    .poll(
      async () => {
        run = ((await (await request.get(`/api/runs/${runId}`, { headers })).json()) as { run: typeof run }).run;
        return run.status;
      },
      { timeout: 60_000 },
    )
    .toMatch(/completed|failed|skipped/);
  return run;
}

test('the League pages show what the jobs fetched and follow the season clock; "Update stats" refreshes the stats', async ({ page }) => {
  test.setTimeout(150_000);
  await signIn(page);
  // The worker found the league tables empty at start and ran bootstrap-meta.
  await page.goto('/league');
  const gameweek = page.locator('[data-gameweek="1"]');
  await expect(gameweek).toContainText('Gameweek 1', { timeout: 30_000 });
  expect((await runJob(page.request, 'live-scores-update')).status).toBe('completed');
  await expect(gameweek).toContainText('live', { timeout: 20_000 });
  const firstMatch = page.locator('tr[data-fixture]').first();
  const minute = await upstreamMinute();
  expect(minute).toBeGreaterThan(0);
  await expect(firstMatch).toContainText(`${minute}′`, { timeout: 20_000 });
  await page.screenshot({ path: 'test-results/screenshots/league-live.png', fullPage: true });

  // Later in the match the next update shows the new minute (the page reads through the cache, which the job invalidated).
  await simulator('/admin/clock', { advanceMinutes: 40 });
  const later = await upstreamMinute();
  expect(later).toBeGreaterThan(minute);
  expect((await runJob(page.request, 'live-scores-update')).status).toBe('completed');
  await expect(firstMatch).toContainText(`${later}′`, { timeout: 20_000 });

  // The gameweek finishes; the entries' histories are fetched; then the stats are updated by hand.
  const { job } = (await (await page.request.get('/api/jobs/entry-updates', { headers })).json()) as { job: { config: Record<string, unknown> } };
  const patched = await page.request.patch('/api/jobs/entry-updates', { headers, data: { config: { ...job.config, requestsPerMinute: 1_000, maxEntries: 30 } } });
  expect(patched.status()).toBe(200);
  await simulator('/admin/clock', { toEvent: 1, phase: 'finished' });
  expect((await runJob(page.request, 'live-scores-update')).status).toBe('completed');
  await expect(gameweek).toContainText('finished', { timeout: 20_000 });
  // The worker started one at start-up (the league tables were empty) at the default 10 requests a minute: stop it.
  for (const status of ['running', 'queued', 'retrying']) {
    const { runs } = (await (await page.request.get(`/api/runs?job=entry-updates&status=${status}`, { headers })).json()) as { runs: { id: string }[] };
    for (const run of runs) await page.request.post(`/api/runs/${run.id}/cancel`, { headers });
  }
  await expect.poll(async () => ((await (await page.request.get('/api/runs?job=entry-updates&status=running', { headers })).json()) as { runs: unknown[] }).runs.length, { timeout: 15_000 }).toBe(0);
  expect((await runJob(page.request, 'entry-updates')).status).toBe('completed');

  await page.getByRole('navigation', { name: 'League' }).getByRole('link', { name: 'Stats' }).click();
  await page.getByRole('button', { name: 'Update stats' }).click();
  await expect(page.getByTestId('update-stats')).toContainText('Stats updated', { timeout: 30_000 });
  const season = page.getByRole('region', { name: 'Season table' });
  await expect(season.locator('tbody tr').first()).toBeVisible({ timeout: 15_000 });
  await expect(season).not.toContainText('No season stats yet');
  await expect(page.getByTestId('stats-timings')).toContainText(/\d+ ms/);
  await page.screenshot({ path: 'test-results/screenshots/league-stats.png', fullPage: true });
});
