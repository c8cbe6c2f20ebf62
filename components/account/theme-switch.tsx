'use client';

import { useEffect, useState } from 'react';
import { chooseTheme, themeChoices, type ThemeChoice } from '../theme/theme-script.ts';
import { Panel } from '../ui/panel.tsx';

const words: Record<ThemeChoice, { label: string; hint: string }> = {
  system: { label: 'System', hint: 'Follows your device’s light or dark setting' },
  light: { label: 'Light', hint: 'Always light' },
  dark: { label: 'Dark', hint: 'Always dark' },
};

/** System, light or dark: remembered in this browser (see components/theme/theme-script.ts). */
export function ThemeSwitch() {
  const [choice, setChoice] = useState<ThemeChoice | null>(null);
  // What the inline script applied; only the browser knows it, so read after hydration.
  useEffect(() => setChoice((document.documentElement.dataset.themeChoice as ThemeChoice | undefined) ?? 'system'), []);
  return (
    <Panel title="Theme">
      <fieldset className="p-4">
        <legend className="sr-only">Theme</legend>
        <p className="mb-3 text-xs text-muted">Remembered in this browser only.</p>
        <div className="flex flex-wrap gap-3">
          {themeChoices.map((option) => (
            <label key={option} className="flex cursor-pointer items-start gap-2 rounded-md px-3 py-2 ring-1 ring-line has-checked:ring-2 has-checked:ring-primary">
              <input
                type="radio"
                name="theme"
                value={option}
                checked={choice === option}
                onChange={() => {
                  setChoice(option);
                  chooseTheme(option);
                }}
                className="mt-0.5 size-4 accent-primary"
              />
              <span>
                <span className="block text-sm font-medium">{words[option].label}</span>
                <span className="block text-xs text-muted">{words[option].hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
    </Panel>
  );
}
