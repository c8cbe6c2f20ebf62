'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { apiFetch, ApiError } from '../api-client.ts';
import { Button } from '../ui/button.tsx';

interface RunNowDialogProps {
  jobName: string;
  /** Admins may run past the manual-trigger limits after confirming. */
  isAdmin: boolean;
  /** The payload the form starts from: the last run's, or `{}`. */
  initialPayload: unknown;
  onClose: () => void;
  onQueued: (runId: string) => void;
}

/** Edits a payload as JSON and triggers the job; the API's field errors are listed under the editor. */
export function RunNowDialog({ jobName, isAdmin, initialPayload, onClose, onQueued }: RunNowDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const queryClient = useQueryClient();
  const [text, setText] = useState(() => JSON.stringify(initialPayload ?? {}, null, 2));
  const [errors, setErrors] = useState<string[]>([]);
  const [limited, setLimited] = useState(false);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const trigger = useMutation({
    mutationFn: ({ payload, override }: { payload: unknown; override?: boolean }) =>
      apiFetch<{ runId: string }>(`/api/jobs/${encodeURIComponent(jobName)}/trigger`, { method: 'POST', json: { payload, ...(override ? { override } : {}) } }),
    onSuccess: ({ runId }) => {
      void queryClient.invalidateQueries({ queryKey: ['runs'] });
      void queryClient.invalidateQueries({ queryKey: ['jobs'] });
      onQueued(runId);
      onClose();
    },
    onError: (error) => {
      setLimited(error instanceof ApiError && error.status === 429);
      if (error instanceof ApiError && error.status === 429) {
        const seconds = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
        setErrors([`${error.message}${seconds ? ` (try again in ${seconds} s)` : ''}`]);
      } else if (error instanceof ApiError && error.status === 422) {
        const fields = Object.entries(error.fieldErrors).map(([field, messages]) => `${field.replace(/^payload\.?/, '') || 'payload'}: ${messages.join(', ')}`);
        const form = ((error.details as { formErrors?: string[] } | undefined)?.formErrors ?? []).map(String);
        setErrors([...fields, ...form].length > 0 ? [...fields, ...form] : [error.message]);
      } else {
        setErrors([error instanceof Error ? error.message : 'Could not reach Kickoff']);
      }
    },
  });

  function submit(override: boolean) {
    let payload: unknown;
    try {
      payload = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      setErrors(['The payload is not valid JSON']);
      return;
    }
    setErrors([]);
    trigger.mutate({ payload, override });
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    submit(false);
  }

  return (
    <dialog
      ref={dialog}
      onClose={onClose}
      aria-labelledby="run-now-title"
      className="m-auto w-full max-w-lg rounded-lg bg-white p-0 text-slate-900 shadow-xl ring-1 ring-slate-200 backdrop:bg-slate-950/40 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700"
    >
      <form onSubmit={onSubmit} className="space-y-4 p-5">
        <h2 id="run-now-title" className="truncate text-base font-semibold" title={jobName}>
          Run {jobName}
        </h2>
        <div>
          <label htmlFor="run-now-payload" className="text-sm font-medium">
            Payload
          </label>
          <textarea
            id="run-now-payload"
            value={text}
            onChange={(event) => setText(event.target.value)}
            rows={8}
            spellCheck={false}
            aria-invalid={errors.length > 0}
            aria-describedby="run-now-errors"
            className="mt-1 block w-full rounded-md border-0 px-3 py-2 font-mono text-xs ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-teal-600 dark:bg-slate-950 dark:ring-slate-700"
          />
          <ul id="run-now-errors" role="alert" className="mt-2 space-y-1 text-xs text-rose-700 dark:text-rose-300">
            {errors.map((error) => (
              <li key={error}>{error}</li>
            ))}
          </ul>
        </div>
        <div className="flex justify-end gap-2">
          {limited && isAdmin ? (
            <Button variant="danger" onClick={() => submit(true)} disabled={trigger.isPending}>
              Run anyway (admin)
            </Button>
          ) : null}
          <Button onClick={onClose}>Close</Button>
          <Button type="submit" variant="primary" disabled={trigger.isPending}>
            {trigger.isPending ? 'Queuing…' : 'Run'}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
