'use client';

import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { apiFetch } from './api-client.ts';

interface TimeZoneState {
  /** The zone times are shown in now: the person's choice, else the browser's. */
  zone: string;
  /** What the person chose (null: the browser's). */
  preference: string | null;
  browserZone: string;
  choose: (preference: string | null) => void;
}

const fallbackZone = 'UTC';
const TimeZoneContext = createContext<TimeZoneState>({ zone: fallbackZone, preference: null, browserZone: fallbackZone, choose: () => undefined });

function detectBrowserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || fallbackZone;
}

/** The signed-in person's display time zone for every time in the dashboard, saved to their account when changed. */
export function TimeZoneProvider({ preference: saved, children }: { preference: string | null; children: ReactNode }) {
  const [preference, setPreference] = useState(saved);
  // The server cannot know the browser's zone: UTC until the browser says (the first client render).
  const [browserZone, setBrowserZone] = useState(fallbackZone);
  useEffect(() => setBrowserZone(detectBrowserZone()), []);
  const choose = (next: string | null) => {
    setPreference(next);
    void apiFetch('/api/account/preferences', { method: 'PATCH', json: { timeZone: next } }).catch(() => setPreference(preference));
  };
  return <TimeZoneContext.Provider value={{ zone: preference ?? browserZone, preference, browserZone, choose }}>{children}</TimeZoneContext.Provider>;
}

export const useTimeZone = () => useContext(TimeZoneContext);

/** The header's switch: the browser's zone or UTC in one click, any other zone from the list. */
export function TimeZoneSwitch() {
  const { zone, preference, browserZone, choose } = useTimeZone();
  const [zones, setZones] = useState<string[]>([]);
  useEffect(() => setZones(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []), []);
  const isUtc = zone === 'UTC';
  return (
    <div className="flex items-center gap-1 text-xs">
      <button
        type="button"
        className="rounded border border-line px-2 py-1 text-muted hover:bg-surface-muted hover:text-fg"
        title={isUtc ? `Show times in ${browserZone}` : 'Show times in UTC'}
        onClick={() => choose(isUtc ? null : 'UTC')}
      >
        {isUtc ? 'Local' : 'UTC'}
      </button>
      <label className="sr-only" htmlFor="time-zone">
        Time zone
      </label>
      <select id="time-zone" className="w-28 rounded border border-line bg-surface py-1 pr-6 pl-2 text-xs text-muted" value={preference ?? ''} onChange={(event) => choose(event.target.value || null)}>
        <option value="">Local ({browserZone})</option>
        <option value="UTC">UTC</option>
        {zones
          .filter((name) => name !== 'UTC')
          .map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
      </select>
    </div>
  );
}
