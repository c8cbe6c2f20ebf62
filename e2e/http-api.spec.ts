import { expect, test } from '@playwright/test';
import { e2eApiKey, e2ePort } from './support/stack.ts';
import { signIn } from './support/sign-in.ts';

const auth = { authorization: `Bearer ${e2eApiKey}` };

test('the built app answers as scripts expect: br and gzip on /api/runs, JSON 404 and 405 with Allow, Location on 202', async ({ request }) => {
  for (let index = 0; index < 6; index += 1) {
    const triggered = await request.post('/api/jobs/probe/trigger', { headers: auth, data: { payload: { steps: 1 }, source: 'http-api' } });
    expect(triggered.status()).toBe(202);
    const { runId } = (await triggered.json()) as { runId: string };
    expect(triggered.headers().location).toBe(`/api/runs/${runId}`);
  }
  const br = await request.get('/api/runs?limit=100', { headers: { ...auth, 'accept-encoding': 'gzip, deflate, br' } });
  expect(br.headers()['content-encoding']).toBe('br');
  expect(br.headers().vary).toContain('Accept-Encoding');
  expect(br.headers()['cache-control']).toBe('private, no-store');
  expect(((await br.json()) as { runs: unknown[] }).runs.length).toBeGreaterThanOrEqual(6);
  const gzip = await request.get('/api/runs?limit=100', { headers: { ...auth, 'accept-encoding': 'gzip' } });
  expect(gzip.headers()['content-encoding']).toBe('gzip');
  const small = await request.get('/api/runs?job=no-such-job', { headers: { ...auth, 'accept-encoding': 'br, gzip' } });
  expect(small.headers()['content-encoding']).toBeUndefined();
  expect(small.headers()['x-kickoff-body-bytes']).toBeUndefined();

  const unknown = await request.get('/api/nope', { headers: auth });
  expect(unknown.status()).toBe(404);
  expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('not_found');
  const wrongMethod = await request.delete('/api/jobs', { headers: auth });
  expect(wrongMethod.status()).toBe(405);
  expect(wrongMethod.headers().allow).toBe('GET, HEAD, OPTIONS');
  expect(((await wrongMethod.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
  const anonymous = await request.get('/api/jobs');
  expect(anonymous.status()).toBe(401);
  expect(anonymous.headers()['www-authenticate']).toBe('Bearer realm="kickoff"');
});

test('the API reference renders from /api/openapi.json under the CSP, with no request leaving the app', async ({ page }) => {
  const foreign: string[] = [];
  const cspViolations: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!['http:', 'https:'].includes(url.protocol)) return;
    if (url.hostname !== 'localhost' || url.port !== String(e2ePort)) foreign.push(request.url());
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  await signIn(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API' }).click();
  await expect(page).toHaveURL(/\/docs\/api$/);
  await expect(page.getByRole('heading', { name: 'API reference', level: 1 })).toBeVisible();
  await expect(page.getByText('Queue a run of a job').first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText('Kickoff API').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/docs-api-light.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.reload();
  await expect(page.getByText('Queue a run of a job').first()).toBeVisible({ timeout: 20_000 });
  // Scalar follows the app's theme: its background is dark too.
  const background = await page.locator('.scalar-app').first().evaluate((element) => getComputedStyle(element).backgroundColor);
  expect((background.match(/\d+/g) ?? ['255', '255', '255']).slice(0, 3).map(Number).reduce((sum, value) => sum + value, 0), background).toBeLessThan(150);
  await page.screenshot({ path: 'test-results/docs-api-dark.png' });
  expect(foreign).toEqual([]);
  expect(cspViolations.filter((text) => !/new Function|unsafe-eval/.test(text))).toEqual([]);
});
