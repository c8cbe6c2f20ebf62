import { expect, test } from '@playwright/test';
import { Redis } from 'ioredis';
import { e2eApiKey } from './support/stack.ts';
import { signIn } from './support/sign-in.ts';

const headers = { authorization: `Bearer ${e2eApiKey}` };

interface UpstreamFixture {
  id: number;
  minutes: number;
  started: boolean;
  team_h_score: number | null;
  team_a_score: number | null;
}

const gameweek1 = async () => (await (await fetch(`${process.env.E2E_UPSTREAM_URL}/api/fixtures/?event=1`)).json()) as UpstreamFixture[];

test('live-scores-update writes what it fetched into the cache, the League page reads it there, and an admin purges the cache', async ({ page }) => {
  test.setTimeout(120_000);
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const cached = async (key: string) => {
    const raw = await redis.get(`${process.env.E2E_QUEUE_PREFIX}:kickoff:cache:${key}`);
    return raw === null ? null : (JSON.parse(raw) as { value: unknown }).value;
  };
  try {
    await signIn(page);
    await page.goto('/league');
    await expect(page.locator('[data-gameweek="1"]')).toContainText('Gameweek 1', { timeout: 30_000 });

    // The admin's Purge empties the cache everywhere, and the audit log says who did it.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByTestId('cache-purge').getByRole('button', { name: 'Purge' }).click();
    await expect(page.getByTestId('cache-purge')).toContainText(/Purged: \d+ keys removed from Redis/);
    const audit = (await (await page.request.get('/api/audit?action=cache.purge', { headers })).json()) as { entries: { action: string; actor: string }[] };
    expect(audit.entries[0]).toMatchObject({ action: 'cache.purge' });

    // Five minutes on in the match: the live job fetches new minutes and writes them through.
    await fetch(`${process.env.E2E_UPSTREAM_URL}/admin/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMinutes: 5 }) });
    const playing = (await gameweek1()).filter((fixture) => fixture.started).sort((a, b) => a.id - b.id)[0]!;
    expect(playing).toBeDefined();
    await page.reload(); // reads the gameweek before the job runs (the old minutes go into the cache)
    const triggered = await page.request.post('/api/jobs/live-scores-update/trigger', { headers, data: { payload: {} } });
    expect(triggered.status()).toBe(202);
    const { runId } = (await triggered.json()) as { runId: string };
    let run: { status: string; result: { written?: number } | null } = { status: 'queued', result: null };
    await expect
      .poll(async () => (run = ((await (await page.request.get(`/api/runs/${runId}`, { headers })).json()) as { run: typeof run }).run).status, { timeout: 60_000 })
      .toBe('completed');
    expect(run.result?.written).toBeGreaterThan(0);
    // In Redis before any page asked for it: the job's value, not a page's load.
    expect(await cached(`live:match:${playing.id}`)).toMatchObject({ id: playing.id, minutes: playing.minutes, homeScore: playing.team_h_score, awayScore: playing.team_a_score });

    // The page shows the job's minutes; rendered again (after the 1 s the counts take to reach
    // Redis), its live reads were all hits: the live family's misses did not move.
    const misses = async () => Number(await page.locator('tr[data-cache-family="live"] td').nth(2).textContent());
    const settle = () => page.waitForTimeout(1_500);
    await page.reload();
    await expect(page.locator(`tr[data-fixture="${playing.id}"]`)).toContainText(`${playing.minutes}′`);
    await settle();
    await page.reload();
    await expect(page.locator(`tr[data-fixture="${playing.id}"]`)).toContainText(`${playing.minutes}′`);
    const before = await misses();
    await settle();
    await page.reload();
    expect(await misses()).toBe(before);

    // The real-time view league_event_stats: the goals of the gameweek's matches so far.
    const goals = (await gameweek1()).reduce((sum, fixture) => sum + (fixture.team_h_score ?? 0) + (fixture.team_a_score ?? 0), 0);
    await expect(page.getByTestId('gameweek-stats').locator('[data-stat="goals"]')).toHaveText(String(goals));
  } finally {
    redis.disconnect();
  }
});
