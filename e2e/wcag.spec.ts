import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { e2eApiKey } from './support/stack.ts';
import { signIn } from './support/sign-in.ts';

/**
 * axe-core's WCAG 2.2 A/AA rules over every page and every dialog, in the light and the dark
 * theme (the theme follows `prefers-color-scheme`): any serious or critical violation fails.
 * Every page is also watched for content-security-policy violations (zod's eval probe was one).
 */

const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const headers = { authorization: `Bearer ${e2eApiKey}` };
const ruleName = 'wcag probe fails';

async function waitForRun(request: APIRequestContext, runId: string, status: RegExp, timeout = 60_000): Promise<void> {
  await expect.poll(async () => ((await (await request.get(`/api/runs/${runId}`, { headers })).json()) as { run: { status: string } }).run.status, { timeout }).toMatch(status);
}

async function trigger(request: APIRequestContext, job: string, payload: object = {}): Promise<string> {
  const response = await request.post(`/api/jobs/${job}/trigger`, { headers, data: { payload } });
  expect(response.status(), await response.text()).toBe(202);
  return ((await response.json()) as { runId: string }).runId;
}

/** What the pages show: runs in each state, an open alert, leagues with standings and tournaments. */
const seeded: { completed: string; failed: string; running: string; leagueHref: string; tournamentHref: string } = { completed: '', failed: '', running: '', leagueHref: '', tournamentHref: '' };

// One seeding and one clean-up for the file (a failure stops the rest, rather than re-seeding).
test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ playwright, baseURL, browser }) => {
  test.setTimeout(360_000);
  const request = await playwright.request.newContext({ baseURL });
  // In this order: a probe that completes after the failed one would resolve its alert.
  seeded.completed = await trigger(request, 'probe', { sleepMs: 200, steps: 2 });
  await waitForRun(request, seeded.completed, /completed/);
  const { rules } = (await (await request.get('/api/alert-rules', { headers })).json()) as { rules: { name: string }[] };
  if (!rules.some((rule) => rule.name === ruleName)) {
    const rule = await request.post('/api/alert-rules', {
      headers,
      data: { name: ruleName, condition: { type: 'run-failed' }, scope: { job: 'probe' }, severity: 'warning', channels: [{ type: 'dashboard' }], cooldownMinutes: 15, enabled: true },
    });
    expect(rule.status(), await rule.text()).toBe(201);
  }
  seeded.failed = await trigger(request, 'probe', { fail: true });
  await waitForRun(request, seeded.failed, /failed/);
  await expect.poll(async () => ((await (await request.get('/api/alerts?status=open', { headers })).json()) as { alerts: unknown[] }).alerts.length, { timeout: 30_000 }).toBeGreaterThan(0);
  seeded.running = await trigger(request, 'probe', { sleepMs: 60_000, steps: 60 });
  await waitForRun(request, seeded.running, /running/);

  const page = await browser.newPage();
  await signIn(page);
  await page.goto('/league/tournaments');
  if ((await page.locator('main a[href^="/league/tournaments/"]').count()) === 0) await seedLeague(request);
  await page.goto('/league/leagues');
  seeded.leagueHref = (await page.locator('main a[href^="/league/leagues/"]').first().getAttribute('href'))!;
  await page.goto('/league/tournaments');
  seeded.tournamentHref = (await page.locator('main a[href^="/league/tournaments/"]').first().getAttribute('href'))!;
  await page.close();
  await request.dispose();
});

/** Leagues with standings and tournaments: entry-updates and tournament-event-data at 1000 upstream requests a minute (their default is 10). */
async function seedLeague(request: APIRequestContext): Promise<void> {
  for (const [name, faster] of [
    ['entry-updates', { requestsPerMinute: 1_000, maxEntries: 30 }],
    ['tournament-event-data', { requestsPerMinute: 1_000, maxStandingsPages: 2 }],
  ] as const) {
    const { job } = (await (await request.get(`/api/jobs/${name}`, { headers })).json()) as { job: { config: Record<string, unknown> } };
    expect((await request.patch(`/api/jobs/${name}`, { headers, data: { config: { ...job.config, ...faster } } })).status()).toBe(200);
  }
  for (const status of ['running', 'queued', 'retrying']) {
    const { runs } = (await (await request.get(`/api/runs?job=entry-updates&status=${status}`, { headers })).json()) as { runs: { id: string }[] };
    for (const run of runs) await request.post(`/api/runs/${run.id}/cancel`, { headers });
  }
  await expect.poll(async () => ((await (await request.get('/api/runs?job=entry-updates&status=running', { headers })).json()) as { runs: unknown[] }).runs.length, { timeout: 15_000 }).toBe(0);
  const entries = await trigger(request, 'entry-updates');
  await waitForRun(request, entries, /completed/, 180_000);
  const tournaments = await trigger(request, 'tournament-event-data');
  await waitForRun(request, tournaments, /completed/, 120_000);
}

test.afterAll(async ({ playwright, baseURL }) => {
  // Leave the stack as the other specs expect it: no rule, no open alert, nothing running.
  const request = await playwright.request.newContext({ baseURL });
  await request.post(`/api/runs/${seeded.running}/cancel`, { headers });
  const { alerts } = (await (await request.get('/api/alerts', { headers })).json()) as { alerts: { id: string; status: string }[] };
  for (const alert of alerts.filter((entry) => entry.status !== 'resolved')) await request.post(`/api/alerts/${alert.id}/resolve`, { headers });
  const { rules } = (await (await request.get('/api/alert-rules', { headers })).json()) as { rules: { id: string; name: string }[] };
  for (const rule of rules.filter((entry) => entry.name === ruleName)) await request.delete(`/api/alert-rules/${rule.id}`, { headers });
  await request.dispose();
});

/** Records what the content security policy blocked, from before the page's first script. */
async function watchCsp(page: Page): Promise<string[]> {
  const blocked: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy|Refused to/i.test(message.text())) blocked.push(message.text());
  });
  await page.exposeFunction('__reportCsp', (line: string) => blocked.push(line));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      void (window as unknown as { __reportCsp: (line: string) => void }).__reportCsp(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  return blocked;
}

/** The page has settled: its heading is there and nothing says it is still loading. */
async function settled(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
}

async function expectNoSeriousViolations(page: Page, what: string, include?: string): Promise<void> {
  let builder = new AxeBuilder({ page }).withTags(wcagTags);
  if (include) builder = builder.include(include);
  const { violations, passes } = await builder.analyze();
  expect(passes.length, `axe ran rules on ${what}`).toBeGreaterThan(5);
  const serious = violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help}\n${violation.nodes.slice(0, 5).map((node) => `  ${node.target.join(' ')}: ${node.failureSummary?.replace(/\s+/g, ' ')}`).join('\n')}`);
  expect(serious, `serious or critical WCAG violations on ${what}`).toEqual([]);
}

const pages: { name: string; path: () => string; signedIn?: boolean }[] = [
  { name: 'sign-in', path: () => '/login', signedIn: false },
  { name: 'overview', path: () => '/overview' },
  { name: 'jobs', path: () => '/jobs' },
  { name: 'job probe', path: () => '/jobs/probe' },
  { name: 'job with dependencies', path: () => '/jobs/battle-race-update' },
  { name: 'job with a list and a unit in its config', path: () => '/jobs/entry-updates' },
  { name: 'account', path: () => '/account' },
  { name: 'runs', path: () => '/runs' },
  { name: 'a completed run', path: () => `/runs/${seeded.completed}` },
  { name: 'a failed run', path: () => `/runs/${seeded.failed}` },
  { name: 'a running run', path: () => `/runs/${seeded.running}` },
  { name: 'league', path: () => '/league' },
  { name: 'leagues', path: () => '/league/leagues' },
  { name: 'a league', path: () => seeded.leagueHref },
  { name: 'tournaments', path: () => '/league/tournaments' },
  { name: 'a tournament', path: () => seeded.tournamentHref },
  { name: 'league stats', path: () => '/league/stats' },
  { name: 'league entries', path: () => '/league/entries' },
  { name: 'alerts', path: () => '/alerts' },
  { name: 'audit log', path: () => '/audit' },
  { name: 'settings', path: () => '/settings' },
  { name: 'an unknown page', path: () => '/no-such-page' },
  { name: 'an unknown job', path: () => '/jobs/no-such-job' },
  { name: 'an unknown run', path: () => '/runs/00000000-0000-4000-8000-000000000000' },
];

/** Dialogs and forms that open on a page: each is checked open. */
const dialogs: { name: string; path: string; open: (page: Page) => Promise<void>; scope: string }[] = [
  {
    name: 'Run now (form)',
    path: '/jobs',
    scope: 'dialog[open]',
    open: async (page) => {
      await page.locator('li[data-job="probe"]').getByRole('button', { name: 'Run now' }).click();
      await expect(page.getByRole('dialog', { name: 'Run probe' }).getByLabel('Time to spend')).toBeVisible();
    },
  },
  {
    name: 'Run now (JSON, with an error)',
    path: '/jobs',
    scope: 'dialog[open]',
    open: async (page) => {
      await page.locator('li[data-job="probe"]').getByRole('button', { name: 'Run now' }).click();
      const dialog = page.getByRole('dialog', { name: 'Run probe' });
      await dialog.getByRole('button', { name: 'Edit as JSON' }).click();
      await dialog.getByLabel('Payload', { exact: true }).fill('{"steps": 0}');
      await dialog.getByRole('button', { name: 'Run', exact: true }).click();
      await expect(dialog.getByRole('alert')).toContainText('steps');
    },
  },
  {
    name: 'delete an alert rule',
    path: '/alerts',
    scope: 'dialog[open]',
    open: async (page) => {
      await page.locator(`li[data-rule="${ruleName}"]`).getByRole('button', { name: 'Delete' }).click();
      await expect(page.getByRole('dialog', { name: /Delete the rule/ })).toBeVisible();
    },
  },
  {
    name: 'new alert rule form, with errors',
    path: '/alerts',
    scope: 'main',
    open: async (page) => {
      await page.getByRole('button', { name: 'New rule' }).click();
      const form = page.getByRole('form', { name: 'New alert rule' });
      await form.getByRole('button', { name: 'Add rule' }).click();
      await expect(form.locator('[data-field-error="name"]')).toBeVisible();
    },
  },
  {
    name: 'Run now (from the last run, edited)',
    path: '/jobs',
    scope: 'dialog[open]',
    open: async (page) => {
      await page.locator('li[data-job="probe"]').getByRole('button', { name: 'Run now' }).click();
      const dialog = page.getByRole('dialog', { name: 'Run probe' });
      await dialog.getByRole('button', { name: 'Use the last run’s payload' }).click();
      await dialog.getByLabel('Progress steps').fill('0');
      await dialog.getByRole('button', { name: 'Run', exact: true }).click();
      await expect(dialog.locator('[data-field-error="steps"]')).toBeVisible();
    },
  },
  {
    name: 'the schedule as a list',
    path: '/jobs',
    scope: 'main',
    open: async (page) => {
      await page.getByRole('region', { name: 'The next 24 hours' }).getByRole('button', { name: 'List' }).click();
      await expect(page.locator('tr[data-schedule-job="cleanup"]')).toBeVisible();
    },
  },
  {
    name: 'pause a job until',
    path: '/jobs',
    scope: 'main',
    open: async (page) => {
      await page.locator('li[data-job="cleanup"]').getByRole('button', { name: 'Pause until…' }).click();
      await expect(page.getByLabel('Pause cleanup until')).toBeVisible();
    },
  },
];

// Each page is checked in both themes in one test: one sign-in, then the page in light and in dark.
for (const entry of pages) {
  test(`${entry.name}: no serious WCAG 2.2 AA violation in the light and the dark theme, no CSP violation`, async ({ page }) => {
    const blocked = await watchCsp(page);
    if (entry.signedIn !== false) await signIn(page);
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await page.goto(entry.path());
      await settled(page);
      expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(colorScheme === 'dark');
      await expect(page.locator('html')).toHaveAttribute('data-theme', colorScheme);
      await expectNoSeriousViolations(page, `${entry.name} (${colorScheme})`);
    }
    expect(blocked, 'content-security-policy violations').toEqual([]);
  });
}

for (const entry of dialogs) {
  test(`dialog ${entry.name}: no serious WCAG 2.2 AA violation in the light and the dark theme`, async ({ page }) => {
    await signIn(page);
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await page.goto(entry.path);
      await settled(page);
      await entry.open(page);
      await expectNoSeriousViolations(page, `${entry.name} (${colorScheme})`, entry.scope);
    }
  });
}

test('a theme chosen against the system (dark on a light device): no serious WCAG 2.2 AA violation', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await signIn(page);
  await page.evaluate(() => localStorage.setItem('kickoff-theme', 'dark'));
  for (const path of ['/account', '/jobs']) {
    await page.goto(path);
    await settled(page);
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expectNoSeriousViolations(page, `${path} (dark chosen)`);
  }
});
