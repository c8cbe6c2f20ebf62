import { expect, type Page } from '@playwright/test';
import { e2eAdmin } from './stack.ts';

export async function signIn(page: Page, user: { email: string; password: string } = e2eAdmin): Promise<void> {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
}
