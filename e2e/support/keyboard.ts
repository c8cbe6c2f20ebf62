import { expect, type Locator, type Page } from '@playwright/test';

/** What has focus, as a person would name it, and whether it shows the focus ring of app/globals.css. */
export async function focused(page: Page): Promise<{ tag: string; name: string; ring: boolean }> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return { tag: 'body', name: '', ring: false };
    const style = getComputedStyle(element);
    const label = element.id ? document.querySelector(`label[for="${element.id}"]`)?.textContent : element.closest('label')?.textContent;
    const name = element.getAttribute('aria-label') ?? (label || element.textContent || '').trim().slice(0, 60);
    const ring = element.matches(':focus-visible') && style.outlineStyle === 'solid' && parseFloat(style.outlineWidth) >= 2;
    // A date input's second stop is its calendar button, inside the input, which Chromium rings itself.
    const datePicker = element.matches('input[type="datetime-local"], input[type="date"], input[type="time"]') && !element.matches(':focus-visible');
    return { tag: element.tagName.toLowerCase(), name, ring: ring || datePicker };
  });
}

/**
 * Presses Tab (or Shift+Tab) until `target` has focus, as a keyboard user walks a page,
 * checking that every stop on the way shows the focus ring. Fails after `max` presses.
 */
export async function tabTo(page: Page, target: Locator, { max = 120, backwards = false } = {}): Promise<number> {
  for (let presses = 1; presses <= max; presses += 1) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    const stop = await focused(page);
    expect(stop.ring, `focus ring on ${stop.tag} "${stop.name}"`).toBe(true);
    if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) return presses;
  }
  throw new Error(`${String(target)} was not reached with ${max} presses of Tab`);
}

export const isFocusedWithin = (container: Locator) => container.evaluate((element) => element.contains(document.activeElement));
