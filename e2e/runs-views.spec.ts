import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { signIn } from './support/sign-in.ts';
import { e2eApiKey } from './support/stack.ts';

const auth = { authorization: `Bearer ${e2eApiKey}` };
interface Run {
  id: string;
  status: string;
  durationMs: number | null;
  retryOf: string | null;
  replayOf: string | null;
}

/** Runs of probe asked for over the API with a label of the test's own, so a filter on it shows only them. */
async function probeRuns(request: APIRequestContext, source: string, payloads: Record<string, unknown>[]): Promise<string[]> {
  const ids: string[] = [];
  for (const payload of payloads) {
    const response = await request.post('/api/jobs/probe/trigger', { headers: auth, data: { payload, source } });
    expect(response.status()).toBe(202);
    ids.push(((await response.json()) as { runId: string }).runId);
  }
  return ids;
}

async function runOf(request: APIRequestContext, id: string): Promise<Run> {
  return ((await (await request.get(`/api/runs/${id}`, { headers: auth })).json()) as { run: Run }).run;
}

async function untilEnded(request: APIRequestContext, ids: string[]): Promise<void> {
  for (const id of ids) await expect.poll(async () => (await runOf(request, id)).status, { timeout: 15_000 }).toMatch(/^(completed|failed)$/);
}

const shownIds = (page: Page) => page.locator('tr[data-run-id]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-run-id')!));

test('sorting by duration orders the rows, both ways, and the sort stays in the link', async ({ page, request }) => {
  const source = `sort-${randomUUID().slice(0, 6)}`;
  const ids = await probeRuns(request, source, [{ sleepMs: 400 }, { sleepMs: 0 }, { sleepMs: 900 }]);
  await untilEnded(request, ids);
  await signIn(page);
  await page.goto(`/runs?source=${source}`);
  await expect(page.locator('tr[data-run-id]')).toHaveCount(3);
  await page.getByRole('button', { name: 'Duration' }).click();
  await expect(page).toHaveURL(/sort=-duration/);
  await expect(page.getByRole('columnheader', { name: 'Duration' })).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(() => shownIds(page)).toEqual([ids[2], ids[0], ids[1]]);
  await page.getByRole('button', { name: 'Duration' }).click();
  await expect(page.getByRole('columnheader', { name: 'Duration' })).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(() => shownIds(page)).toEqual([ids[1], ids[0], ids[2]]);
  // The link shows the same view.
  await page.reload();
  await expect.poll(() => shownIds(page)).toEqual([ids[1], ids[0], ids[2]]);
  const durations = await page.locator('tr[data-run-id]').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-duration-ms'))));
  expect(durations).toEqual([...durations].sort((a, b) => a - b));
});

test('the waterfall of a retried run shows both attempts on one axis, each failed', async ({ page, request }) => {
  const [first] = await probeRuns(request, `fall-${randomUUID().slice(0, 6)}`, [{ fail: true, steps: 2 }]);
  await untilEnded(request, [first!]);
  const retried = ((await (await request.post(`/api/runs/${first}/retry`, { headers: auth })).json()) as { run: Run }).run;
  await untilEnded(request, [retried.id]);
  await signIn(page);
  await page.goto(`/runs/${retried.id}`);
  const waterfall = page.getByRole('list', { name: 'Waterfall of attempts and phases' });
  await expect(waterfall.getByRole('listitem').filter({ hasText: /attempt 1/ })).toHaveCount(2);
  await expect(waterfall.getByRole('listitem').filter({ hasText: 'Run 1 · attempt 1' })).toContainText('failed: Probe failed');
  await expect(waterfall.getByRole('listitem').filter({ hasText: 'Run 2 (this run) · attempt 1' })).toContainText('failed');
  await expect(waterfall.getByRole('listitem').filter({ hasText: 'queued' })).toHaveCount(2);
});

test('"Run again" opens the payload prefilled, runs the edited payload, and the new run says it is a replay', async ({ page, request }) => {
  const [original] = await probeRuns(request, `again-${randomUUID().slice(0, 6)}`, [{ steps: 3 }]);
  await untilEnded(request, [original!]);
  await signIn(page);
  await page.goto(`/runs/${original}`);
  await page.getByRole('button', { name: 'Run again' }).click();
  const dialog = page.getByRole('dialog', { name: 'Run probe' });
  await dialog.getByRole('button', { name: 'Edit as JSON' }).click();
  const payload = dialog.getByLabel('Payload', { exact: true });
  await expect(payload).toHaveValue(/"steps": 3/);
  await payload.fill(JSON.stringify({ steps: 2 }));
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole('status').filter({ hasText: 'Queued again' }).getByRole('link').click();
  await expect(page.getByTestId('replay-of')).toContainText(`replay of #${original!.slice(0, 8)}`);
  const replayId = decodeURIComponent(page.url().split('/runs/')[1]!);
  const replay = (await (await request.get(`/api/runs/${replayId}`, { headers: auth })).json()) as { run: Run & { payload: unknown } };
  expect(replay.run).toMatchObject({ replayOf: original, retryOf: null, payload: { steps: 2 } });
  await page.getByTestId('replay-of').getByRole('link').click();
  await expect(page.getByRole('region', { name: 'Details' })).toContainText(replayId);
});

test('"retry all failed matching" retries exactly the failed runs matching the filter, after a confirmation', async ({ page, request }) => {
  const source = `bulk-${randomUUID().slice(0, 6)}`;
  const matching = await probeRuns(request, source, [{ fail: true }, { fail: true }, {}]);
  const [other] = await probeRuns(request, `${source}-other`, [{ fail: true }]);
  await untilEnded(request, [...matching, other!]);
  await signIn(page);
  await page.goto(`/runs?source=${source}&status=failed`);
  await expect(page.locator('tr[data-run-id]')).toHaveCount(2);
  await page.getByRole('checkbox', { name: 'Select all runs shown' }).check();
  await page.getByRole('button', { name: 'Select all runs matching this filter' }).click();
  await page.getByRole('button', { name: 'Retry all 2 failed or cancelled' }).click();
  const confirm = page.getByRole('dialog', { name: 'Retry 2 runs?' });
  await expect(confirm).toContainText(`source ${source}`);
  await confirm.getByRole('button', { name: 'Retry 2' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Retried' })).toHaveText('Retried 2 of 2 runs');
  const retries = ((await (await request.get('/api/runs?trigger=retry&limit=100', { headers: auth })).json()) as { runs: Run[] }).runs;
  expect(retries.filter((run) => [...matching, other].includes(run.retryOf ?? '')).map((run) => run.retryOf).sort()).toEqual([matching[0], matching[1]].sort());
});

test('the CSV export of a filter has the rows the table shows, in its order', async ({ page, request }) => {
  const source = `csv-${randomUUID().slice(0, 6)}`;
  const ids = await probeRuns(request, source, [{}, { fail: true }, { steps: 2 }]);
  await untilEnded(request, ids);
  await signIn(page);
  await page.goto(`/runs?source=${source}&sort=job`);
  await expect(page.locator('tr[data-run-id]')).toHaveCount(3);
  const shown = await shownIds(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^kickoff-runs-.+\.csv$/);
  const lines = (await readFile((await download.path())!, 'utf8')).trimEnd().split('\r\n');
  expect(lines[0]).toMatch(/^id,jobName,status,trigger,source,/);
  expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(shown);
  expect(lines.slice(1).every((line) => line.split(',')[4] === source)).toBe(true);
});
