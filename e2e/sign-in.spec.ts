import { expect, test, type Page } from '@playwright/test';
import { defaultNextPath, safeNextPath } from '../lib/auth/next-path.ts';
import { leavingNextValues } from '../scripts/test/next-path-tricks.ts';
import { e2eAdmin, e2eApiKey } from './support/stack.ts';

/**
 * The sign-in page's `next`, as raw query strings: the tricks of the issue as they were sent
 * (`%2F%5Cevil.example%2F`, a tab), each trick of the unit list percent-encoded, and a few
 * that only a raw URL can carry.
 */
const rawNextQueries = [
  '%2F%5Cevil.example%2F',
  '/%09/evil.example/',
  '%2F%09%2Fevil.example%2F',
  '%5C%5Cevil.example',
  '%2F%2Fevil.example',
  '/%2F/evil.example',
  '%252F%252Fevil.example',
  'https:%2F%2Fevil.example',
  '//evil.example%2F%2E%2E',
  '%0A//evil.example',
  ...leavingNextValues.map((value) => encodeURIComponent(value)),
];

/** Signs in on the page that is open and waits for wherever the page goes next. */
async function submitSignIn(page: Page): Promise<void> {
  await page.getByLabel('Email').fill(e2eAdmin.email);
  await page.getByLabel('Password').fill(e2eAdmin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('sign-in with any `next` that would leave Kickoff lands on a Kickoff page, and nothing is asked of another host', async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  const own = new URL(baseURL!).host;
  const elsewhere: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!['http:', 'https:'].includes(url.protocol) || url.host !== own) elsewhere.push(request.url());
  });
  await page.context().route((url) => url.host !== own, (route) => route.abort());
  let toOverview = 0;
  for (const query of rawNextQueries) {
    await page.goto(`/login?next=${query}`);
    await submitSignIn(page);
    // Most go to the overview; a double-encoded one is a (missing) path on Kickoff, and stays one.
    const expected = safeNextPath(new URLSearchParams(`next=${query}`).get('next'));
    if (expected === defaultNextPath) {
      toOverview += 1;
      await expect(page.getByRole('heading', { name: 'Overview', level: 1 }), `next=${query}`).toBeVisible();
    } else {
      await expect(page, `next=${query}`).toHaveURL(new URL(expected, baseURL).href);
    }
    expect(new URL(page.url()).host, `next=${query}`).toBe(own);
  }
  expect(toOverview).toBeGreaterThan(rawNextQueries.length - 3);
  expect(elsewhere).toEqual([]);
});

test('sign-in with a `next` on Kickoff goes there, query included', async ({ page }) => {
  await page.goto(`/login?next=${encodeURIComponent('/runs?status=failed')}`);
  await submitSignIn(page);
  await expect(page.getByRole('heading', { name: 'Runs', level: 1 })).toBeVisible();
  expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/runs?status=failed');
});

test('a session-cookie change from Kickoff\'s page is accepted; the same cookie without Origin or Sec-Fetch-Site is refused', async ({ page }) => {
  await page.goto('/login');
  await submitSignIn(page);
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  // Chromium's own fetch from the page sends Origin and Sec-Fetch-Site: same-origin.
  // (Saving a payload template: a mutation that the manual-trigger limits do not count.)
  const template = (name: string) => JSON.stringify({ name, payload: { steps: 1 } });
  const fromPage = await page.evaluate(async (body) => {
    const response = await fetch('/api/jobs/probe/templates', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return response.status;
  }, template('csrf-from-page'));
  expect(fromPage).toBe(201);
  // The same cookies sent by a client that names no origin (Playwright's request context sends neither header).
  const bare = await page.request.post('/api/jobs/probe/templates', { headers: { 'content-type': 'application/json' }, data: template('csrf-bare') });
  expect(bare.status()).toBe(403);
  expect((await bare.json()).error.code).toBe('forbidden');
  // A text/plain body (what a cross-site form can send without a preflight) is refused before it is read.
  const plain = await page.request.post('/api/jobs/probe/templates', { headers: { 'content-type': 'text/plain', 'sec-fetch-site': 'same-origin' }, data: template('csrf-plain') });
  expect(plain.status()).toBe(415);
  const names = await page.evaluate(async () => ((await (await fetch('/api/jobs/probe/templates')).json()) as { templates: { name: string }[] }).templates.map((entry) => entry.name));
  expect(names).toContain('csrf-from-page');
  expect(names).not.toContain('csrf-bare');
  expect(names).not.toContain('csrf-plain');
});

test('a path with malformed percent-encoding answers 400 in the JSON shape, on every kind of API route, even anonymously', async ({ request }) => {
  for (const path of ['/api/runs/%FF', '/api/runs/%FF/retry', '/api/jobs/%E0%A4/trigger', '/api/alerts/%C0%AF/ack', '/api/users/%ED%A0%80', '/api/league/entries/%', '/api/nothing-here/%FF']) {
    for (const method of ['GET', 'POST'] as const) {
      const response = await request.fetch(path, { method, headers: { authorization: `Bearer ${e2eApiKey}` } });
      expect(response.status(), `${method} ${path}`).toBe(400);
      expect(response.headers()['content-type'], `${method} ${path}`).toMatch(/^application\/json/);
      expect((await response.json()).error.code).toBe('bad_request');
    }
  }
  const page = await request.get('/runs/%FF');
  expect(page.status()).toBe(400);
});

test('the client address in the audit log is the TCP peer: a client cannot name another with headers', async ({ request }) => {
  const requestId = `peer-${Date.now()}`;
  const triggered = await request.post('/api/jobs/probe/trigger', {
    headers: { authorization: `Bearer ${e2eApiKey}`, 'x-kickoff-peer-address': '203.0.113.66', 'x-forwarded-for': '198.51.100.77', 'x-real-ip': '198.51.100.78' },
    data: { payload: { steps: 1 }, requestId },
  });
  expect(triggered.status()).toBe(202);
  const { runId } = (await triggered.json()) as { runId: string };
  const audit = await request.get('/api/audit?action=job.trigger&limit=20', { headers: { authorization: `Bearer ${e2eApiKey}` } });
  const { entries } = (await audit.json()) as { entries: { ip: string | null; details: { runId?: string } }[] };
  const line = entries.find((entry) => entry.details?.runId === runId);
  expect(line?.ip).toMatch(/^(127\.0\.0\.1|::1)$/);
});
