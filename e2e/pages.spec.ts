import { expect, test } from '@playwright/test';
import { e2eApiKey } from './support/stack.ts';
import { signIn } from './support/sign-in.ts';

/** Status codes, titles and the not-found pages: what curl, browser tabs and screen readers see. */

const headers = { authorization: `Bearer ${e2eApiKey}` };

test('an unknown job or run answers 404 with Kickoff’s not-found page inside the dashboard', async ({ page }) => {
  await signIn(page);
  for (const path of ['/jobs/no-such-job', '/runs/00000000-0000-4000-8000-000000000000', '/runs/not%2Fa%2Frun', '/league/leagues/999999', '/league/tournaments/00000000-0000-4000-8000-000000000000']) {
    const response = await page.goto(path);
    expect(response!.status(), path).toBe(404);
    await expect(page.getByRole('main').getByRole('heading', { level: 1, name: 'Not found' }), path).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Main' }), path).toBeVisible();
  }
  await page.goto('/jobs/no-such-job');
  await expect(page).toHaveTitle('Job not found · Kickoff');
});

test('a job’s and a run’s page are named after them', async ({ page }) => {
  const triggered = await page.request.post('/api/jobs/probe/trigger', { headers, data: { payload: {} } });
  const { runId } = (await triggered.json()) as { runId: string };
  await signIn(page);
  expect((await page.goto('/jobs/probe'))!.status()).toBe(200);
  await expect(page).toHaveTitle('probe · Jobs · Kickoff');
  expect((await page.goto(`/runs/${runId}`))!.status()).toBe(200);
  await expect(page).toHaveTitle(`Run ${runId.slice(0, 8)} · probe · Kickoff`);
});

test('an address that matches no page answers 404 with a <main>, its scripts carrying the request’s nonce', async ({ page }) => {
  const blocked: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy|Refused to/i.test(message.text())) blocked.push(message.text());
  });
  await signIn(page);
  const response = await page.goto('/no-such-page');
  expect(response!.status()).toBe(404);
  const nonce = /'nonce-([^']+)'/.exec(response!.headers()['content-security-policy'] ?? '')?.[1];
  expect(nonce).toBeTruthy();
  const html = await response!.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
  expect(scripts.length).toBeGreaterThan(2);
  for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
  await expect(page.getByRole('main').getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await expect(page).toHaveTitle('Page not found · Kickoff');
  // The scripts ran: the page is interactive (a client-side navigation from its link).
  await page.getByRole('main').getByRole('link', { name: 'Jobs' }).click();
  await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
  expect(blocked).toEqual([]);
});

test('the League sub-navigation’s Leagues and Tournaments are pages', async ({ page }) => {
  await signIn(page);
  for (const [link, heading] of [
    ['Leagues', 'Leagues'],
    ['Tournaments', 'Tournaments'],
  ] as const) {
    await page.goto('/league');
    await page.getByRole('navigation', { name: 'League' }).getByRole('link', { name: link }).click();
    await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'League' }).getByRole('link', { name: link })).toHaveAttribute('aria-current', 'page');
  }
  expect((await page.goto('/league/leagues'))!.status()).toBe(200);
  expect((await page.goto('/league/tournaments'))!.status()).toBe(200);
});
