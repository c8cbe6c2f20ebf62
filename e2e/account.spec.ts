import { expect, test, type Browser } from '@playwright/test';
import { createUser } from './support/users.ts';
import { signIn } from './support/sign-in.ts';

/** A person of their own, signed in from two browsers. */
async function twoBrowsers(browser: Browser, baseURL: string | undefined, name: string, password: string) {
  const user = { email: `${name}-${Date.now()}@kickoff.test`, password };
  await createUser(user.email, user.password, 'viewer');
  const [here, there] = [await browser.newContext({ baseURL }), await browser.newContext({ baseURL })];
  const [page, other] = [await here.newPage(), await there.newPage()];
  await signIn(page, user);
  await signIn(other, user);
  return { user, page, other, close: () => Promise.all([here.close(), there.close()]) };
}

test('a password change ends the other sessions and keeps this one', async ({ browser, baseURL }) => {
  const { page, other, close } = await twoBrowsers(browser, baseURL, 'password-change', 'first-password-1');
  try {
    await page.goto('/account');
    // A wrong current password is refused next to its field (app/api/account/password/password.int.test.ts).
    await page.getByLabel('Current password').fill('first-password-1');
    await page.getByLabel('New password').fill('second-password-2');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Password changed' })).toHaveText('Password changed. 1 other session ended.');
    await expect(page.locator('li[data-session]')).toHaveCount(1);
    await other.goto('/jobs');
    await expect(other).toHaveURL(/\/login/);
    await page.goto('/jobs');
    await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
  } finally {
    await close();
  }
});

test('ending a session from the account page signs that browser out', async ({ browser, baseURL }) => {
  const { page, other, close } = await twoBrowsers(browser, baseURL, 'end-session', 'a-password-123');
  try {
    await page.goto('/account');
    const sessions = page.locator('li[data-session]');
    await expect(sessions).toHaveCount(2);
    await expect(sessions.filter({ hasText: 'this browser' })).toContainText(/Chrom/);
    await sessions.filter({ hasNotText: 'this browser' }).getByRole('button', { name: /^End session: / }).click();
    await expect(sessions).toHaveCount(1);
    await other.goto('/jobs');
    await expect(other).toHaveURL(/\/login/);
    await page.getByRole('button', { name: 'End (sign out) this browser’s session' }).click();
    await expect(page).toHaveURL(/\/login/);
  } finally {
    await close();
  }
});

test('the theme switch survives a reload, and "System" follows the device again', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await signIn(page);
  await page.goto('/account');
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.getByRole('radio', { name: /^Dark/ }).check();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('radio', { name: /^Dark/ })).toBeChecked();
  const canvas = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.getByRole('radio', { name: /^System/ }).check();
  await expect(html).toHaveAttribute('data-theme', 'light');
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(canvas);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(html).toHaveAttribute('data-theme', 'dark');
});
