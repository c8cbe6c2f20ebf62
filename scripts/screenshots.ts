/**
 * Takes screenshots of the dashboard's pages in light and dark, for looking at them and
 * for the README: `KICKOFF_EMAIL=… KICKOFF_PASSWORD=… tsx scripts/screenshots.ts [baseUrl] [outDir]`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';

const baseUrl = process.argv[2] ?? 'http://localhost:3000';
const outDir = process.argv[3] ?? 'test-results/screenshots';
const email = process.env.KICKOFF_EMAIL ?? 'admin@kickoff.local';
const password = process.env.KICKOFF_PASSWORD ?? '';
// Every page by default; a league's and a tournament's own page are added when the lists link to one.
const pages = (process.env.KICKOFF_PAGES ?? '/overview,/jobs,/jobs/probe,/jobs/battle-race-update,/jobs/entry-updates,/runs,/league,/league/leagues,/league/tournaments,/league/stats,/league/entries,/alerts,/audit,/settings,/account,/no-such-page').split(',');
const fullPage = process.env.KICKOFF_FULL_PAGE === '1';

mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
for (const colorScheme of ['light', 'dark'] as const) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme });
  await page.goto(`${baseUrl}/login`);
  await page.screenshot({ path: join(outDir, `login-${colorScheme}.png`) });
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  const visit = async (path: string, name = path.replace(/^\//, '').replace(/\W+/g, '-') || 'home') => {
    await page.goto(`${baseUrl}${path}`);
    await page.waitForLoadState('networkidle').catch(() => {});
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(outDir, `${name}-${colorScheme}.png`), fullPage });
    console.log(`${name}-${colorScheme}.png`);
  };
  for (const path of pages) {
    await visit(path);
    if (path === '/jobs') {
      // The Run now dialog of probe, open at its defaults.
      await page.locator('li[data-job="probe"]').getByRole('button', { name: 'Run now' }).click();
      await page.getByRole('dialog', { name: 'Run probe' }).waitFor();
      await page.screenshot({ path: join(outDir, `run-now-${colorScheme}.png`) });
      console.log(`run-now-${colorScheme}.png`);
      await page.keyboard.press('Escape');
    }
    // The first run, league or tournament a list links to.
    for (const [list, item, name] of [['/runs', 'a[href^="/runs/"]', 'run'], ['/league/leagues', 'main a[href^="/league/leagues/"]', 'a-league'], ['/league/tournaments', 'main a[href^="/league/tournaments/"]', 'a-tournament']] as const) {
      if (path !== list) continue;
      const href = await page.locator(item).first().getAttribute('href', { timeout: 2_000 }).catch(() => null);
      if (href) await visit(href, name);
    }
  }
  await page.close();
}
await browser.close();
