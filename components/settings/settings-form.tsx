'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Settings } from '@/lib/settings.ts';
import { apiFetch, ApiError } from '../api-client.ts';
import { Button } from '../ui/button.tsx';
import { controlClass } from '../ui/field.tsx';
import { ErrorNote, LoadingRows, Panel } from '../ui/panel.tsx';

const switches: { key: 'triggers.schedule' | 'triggers.manual' | 'triggers.api' | 'engine.paused' | 'stats.postMatch' | 'stats.admin' | 'stats.cron'; label: string; hint: string }[] = [
  { key: 'triggers.schedule', label: 'Scheduled runs', hint: 'Off: scheduled fires are recorded as skipped.' },
  { key: 'triggers.manual', label: 'Manual triggers', hint: 'Off: “Run now” is refused with the reason.' },
  { key: 'triggers.api', label: 'API triggers', hint: 'Off: triggers with an API key are refused with the reason.' },
  { key: 'engine.paused', label: 'Pause everything', hint: 'On: schedules stop firing and every trigger is refused until resumed.' },
  { key: 'stats.postMatch', label: 'Stats after each gameweek', hint: 'stats-update when a gameweek finishes. Off: refused with the reason.' },
  { key: 'stats.admin', label: 'Stats from “Update stats”', hint: 'The League pages’ button. Off: refused with the reason.' },
  { key: 'stats.cron', label: 'Nightly stats', hint: 'stats-update at 02:00. Off: the nightly run is skipped with the reason.' },
];

/** Trigger sources, the global pause and retention; every change lands in the audit log. */
export function SettingsForm({ canEdit }: { canEdit: boolean }) {
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => apiFetch<{ settings: Settings }>('/api/settings') });
  const save = useMutation({
    mutationFn: (patch: Partial<Settings>) => apiFetch<{ settings: Settings }>('/api/settings', { method: 'PATCH', json: patch }),
    onSuccess: (data) => queryClient.setQueryData(['settings'], data),
  });
  if (settings.error && !settings.data) return <ErrorNote what="settings" error={settings.error} />;
  if (!settings.data) return <LoadingRows label="Loading settings" />;
  const current = settings.data.settings;
  return (
    <div className="space-y-6">
      <Panel title="Triggers">
        <ul className="divide-y divide-line">
          {switches.map((entry) => (
            <li key={entry.key} className="flex items-center justify-between gap-4 px-4 py-3">
              <div>
                <label htmlFor={entry.key} className="text-sm font-medium">
                  {entry.label}
                </label>
                <p className="text-xs text-muted">{entry.hint}</p>
              </div>
              <input
                id={entry.key}
                type="checkbox"
                role="switch"
                className="size-5 accent-primary"
                checked={current[entry.key]}
                disabled={!canEdit || save.isPending}
                onChange={(event) => save.mutate({ [entry.key]: event.target.checked })}
              />
            </li>
          ))}
        </ul>
      </Panel>
      <Panel title="Retention">
        <form
          className="flex items-end gap-3 p-4"
          onSubmit={(event) => {
            event.preventDefault();
            const days = Number(new FormData(event.currentTarget).get('retention'));
            save.mutate({ 'runs.retentionDays': days });
          }}
        >
          <label className="text-sm font-medium">
            Keep finished runs for (days)
            <input
              name="retention"
              type="number"
              min={1}
              max={3650}
              defaultValue={current['runs.retentionDays']}
              disabled={!canEdit}
              className={`mt-1 block w-32 px-2 py-1.5 text-sm ${controlClass}`}
            />
          </label>
          {canEdit ? (
            <Button type="submit" variant="primary">
              Save
            </Button>
          ) : null}
        </form>
      </Panel>
      {save.error ? (
        <p role="alert" className="text-sm text-danger">
          {save.error instanceof ApiError ? Object.values(save.error.fieldErrors).flat().join(', ') || save.error.message : 'Could not save'}
        </p>
      ) : null}
    </div>
  );
}
