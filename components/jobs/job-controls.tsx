'use client';

import { useEffect, useState } from 'react';
import type { JobSummaryDto } from '@/lib/data/jobs.ts';
import { ApiError } from '../api-client.ts';
import { Button } from '../ui/button.tsx';
import { controlClass } from '../ui/field.tsx';
import { useJobUpdate } from './use-job-update.ts';

/** The enable switch and "Pause until…" of one job (admins). */
export function JobControls({ job }: { job: JobSummaryDto }) {
  const update = useJobUpdate(job.name);
  const [pausing, setPausing] = useState(false);
  const [until, setUntil] = useState('');
  const paused = job.pausedUntil && new Date(job.pausedUntil).getTime() > Date.now();
  // The switch flips at once and goes back if the server refuses.
  const [enabled, setEnabled] = useState(job.enabled);
  useEffect(() => setEnabled(job.enabled), [job.enabled]);
  return (
    <div className="flex items-center gap-2">
      <label className="flex cursor-pointer items-center gap-1.5 text-xs text-muted">
        <input
          type="checkbox"
          role="switch"
          aria-label={`Enable ${job.name}`}
          checked={enabled}
          disabled={update.isPending}
          onChange={(event) => {
            const next = event.target.checked;
            setEnabled(next);
            update.mutate({ enabled: next }, { onError: () => setEnabled(!next) });
          }}
          className="size-4 accent-primary"
        />
        {enabled ? 'Enabled' : 'Disabled'}
      </label>
      {job.schedule ? (
        paused ? (
          <Button size="sm" onClick={() => update.mutate({ pausedUntil: null })}>
            Resume now
          </Button>
        ) : pausing ? (
          <form
            className="flex items-center gap-1"
            onSubmit={(event) => {
              event.preventDefault();
              if (!until) return;
              update.mutate({ pausedUntil: new Date(until).toISOString() }, { onSuccess: () => setPausing(false) });
            }}
          >
            <input
              type="datetime-local"
              aria-label={`Pause ${job.name} until`}
              value={until}
              min={new Date().toISOString().slice(0, 16)}
              onChange={(event) => setUntil(event.target.value)}
              className={`px-1.5 py-0.5 text-xs ${controlClass}`}
            />
            <Button size="sm" type="submit">
              Pause
            </Button>
            <Button size="sm" onClick={() => setPausing(false)}>
              Close
            </Button>
          </form>
        ) : (
          <Button size="sm" onClick={() => setPausing(true)}>
            Pause until…
          </Button>
        )
      ) : null}
      {update.error ? (
        <span role="alert" className="text-xs text-danger">
          {update.error instanceof ApiError ? update.error.message : 'Could not save'}
        </span>
      ) : null}
    </div>
  );
}
