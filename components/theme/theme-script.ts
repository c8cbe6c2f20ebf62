/**
 * The theme: `system` (the default: the OS's `prefers-color-scheme`, followed as it changes),
 * `light` or `dark`, chosen on the account page and remembered in this browser
 * (localStorage). The script below runs inline in <head> (with the content security policy's
 * nonce, app/layout.tsx) before the first paint, so a page never flashes the wrong theme: it
 * sets `<html data-theme="light|dark">`, which app/globals.css reads, and
 * `data-theme-choice` for the switch.
 */
export const themeStorageKey = 'kickoff-theme';
export const themeChoices = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof themeChoices)[number];

/** Kept small and dependency-free: it is sent as text and runs before React. */
export const themeScript = `(() => {
  const key = ${JSON.stringify(themeStorageKey)};
  const media = matchMedia('(prefers-color-scheme: dark)');
  const apply = () => {
    let choice = 'system';
    try { choice = localStorage.getItem(key) || 'system'; } catch {}
    if (choice !== 'light' && choice !== 'dark') choice = 'system';
    const theme = choice === 'system' ? (media.matches ? 'dark' : 'light') : choice;
    const root = document.documentElement;
    root.dataset.theme = theme;
    root.dataset.themeChoice = choice;
  };
  apply();
  media.addEventListener('change', apply);
  addEventListener('storage', (event) => { if (event.key === key) apply(); });
  window.__kickoffApplyTheme = apply;
})();`;

declare global {
  interface Window {
    __kickoffApplyTheme?: () => void;
  }
}

/** Remembers a choice in this browser and applies it at once (and in its other tabs, through the storage event). */
export function chooseTheme(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(themeStorageKey);
    else localStorage.setItem(themeStorageKey, choice);
  } catch {
    // Storage refused (a private window's quota): the choice lasts until the page reloads.
    document.documentElement.dataset.themeChoice = choice;
  }
  window.__kickoffApplyTheme?.();
}

/**
 * The theme script's work, for when it did not run on this document: a page that calls
 * notFound() while streaming is rendered again on the client, and that document never ran the
 * inline script. Called once React has committed (components/providers.tsx).
 */
export function ensureThemeApplied(): void {
  if (window.__kickoffApplyTheme) {
    window.__kickoffApplyTheme();
    return;
  }
  const media = matchMedia('(prefers-color-scheme: dark)');
  const apply = () => {
    let stored: string | null = null;
    try {
      stored = localStorage.getItem(themeStorageKey);
    } catch {
      // Storage refused: the system's theme.
    }
    const choice: ThemeChoice = stored === 'light' || stored === 'dark' ? stored : 'system';
    const root = document.documentElement;
    root.dataset.theme = choice === 'system' ? (media.matches ? 'dark' : 'light') : choice;
    root.dataset.themeChoice = choice;
  };
  apply();
  media.addEventListener('change', apply);
  window.__kickoffApplyTheme = apply;
}
