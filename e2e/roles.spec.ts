import { expect, test } from '@playwright/test';
import { signIn } from './support/sign-in.ts';
import { createUser } from './support/users.ts';

test('a viewer sees the jobs but no "Run now", and cannot trigger through the API either', async ({ page }) => {
  await createUser('viewer@kickoff.local', 'viewer-password', 'viewer');
  await signIn(page, { email: 'viewer@kickoff.local', password: 'viewer-password' });
  await page.goto('/jobs');
  await expect(page.locator('li[data-job="probe"]')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run now' })).toHaveCount(0);
  const response = await page.request.post('/api/jobs/probe/trigger', { data: {}, headers: { 'sec-fetch-site': 'same-origin' } });
  expect(response.status()).toBe(403);
});

test('an operator without a grant for probe cannot trigger it', async ({ page }) => {
  await createUser('operator@kickoff.local', 'operator-password', 'operator', ['category:stats']);
  await signIn(page, { email: 'operator@kickoff.local', password: 'operator-password' });
  await page.goto('/jobs');
  await expect(page.locator('li[data-job="probe"]')).toBeVisible();
  await expect(page.locator('li[data-job="probe"]').getByRole('button', { name: 'Run now' })).toHaveCount(0);
  const response = await page.request.post('/api/jobs/probe/trigger', { data: {}, headers: { 'sec-fetch-site': 'same-origin' } });
  expect(response.status()).toBe(403);
});

test('an operator granted probe can trigger it', async ({ page }) => {
  await createUser('prober@kickoff.local', 'prober-password', 'operator', ['probe']);
  await signIn(page, { email: 'prober@kickoff.local', password: 'prober-password' });
  await page.goto('/jobs');
  await page.locator('li[data-job="probe"]').getByRole('button', { name: 'Run now' }).click();
  await page.getByRole('dialog', { name: 'Run probe' }).getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('Queued probe');
});

test('every page sends a content security policy that allows no inline script but its own nonce', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  const response = await page.goto('/login');
  const csp = response!.headers()['content-security-policy'] ?? '';
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  await signIn(page);
  await page.goto('/runs');
  await expect(page.getByRole('heading', { name: 'Runs', level: 1 })).toBeVisible();
  expect(errors).toEqual([]);
});
