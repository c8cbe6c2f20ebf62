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
const pages = (process.env.KICKOFF_PAGES ?? '/runs,/jobs').split(',');

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
  for (const path of pages) {
    await page.goto(`${baseUrl}${path}`);
    await page.waitForLoadState('networkidle').catch(() => {});
    await page.waitForTimeout(500);
    const name = path.replace(/^\//, '').replace(/\W+/g, '-') || 'home';
    await page.screenshot({ path: join(outDir, `${name}-${colorScheme}.png`) });
    console.log(`${name}-${colorScheme}.png`);
  }
  await page.close();
}
await browser.close();
