'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { JobDetailDto } from '@/lib/data/jobs.ts';
import type { RunDetailDto } from '@/lib/runs/run-dto.ts';
import type { PayloadTemplateDto } from '@/lib/services/payload-templates.ts';
import { apiFetch, ApiError } from '../api-client.ts';
import { dataFrom, propertiesOf, SchemaFields, valuesFrom, type FieldValues } from '../forms/schema-fields.tsx';
import { Button } from '../ui/button.tsx';
import { Dialog } from '../ui/dialog.tsx';
import { controlClass, inputClass } from '../ui/field.tsx';

interface RunNowDialogProps {
  jobName: string;
  /** Admins may run past the manual-trigger limits after confirming. */
  isAdmin: boolean;
  /** The payload the form starts from (a run's, for "Run again"). Default: the job's defaults. */
  initialPayload?: unknown;
  /** The run whose payload this runs again: sent as the trigger's `replayOf`. */
  replayOf?: string;
  onClose: () => void;
  onQueued: (runId: string) => void;
}

/** The job's payload schema and its saved templates: fetched before the dialog opens, so it opens with its form. */
export const runNowQueries = (jobName: string) => [
  { queryKey: ['job', jobName], queryFn: () => apiFetch<{ job: JobDetailDto }>(`/api/jobs/${encodeURIComponent(jobName)}`) },
  { queryKey: ['templates', jobName], queryFn: () => apiFetch<{ templates: PayloadTemplateDto[] }>(`/api/jobs/${encodeURIComponent(jobName)}/templates`) },
] as const;

/** Where the payload in the form came from, said above it. */
type PayloadSource = { kind: 'defaults' } | { kind: 'given' } | { kind: 'run'; runId: string } | { kind: 'last-run'; runId: string } | { kind: 'template'; name: string };

function describeSource(source: PayloadSource): string {
  switch (source.kind) {
    case 'defaults':
      return 'the job’s defaults';
    case 'given':
      return 'the payload it was opened with';
    case 'run':
      return `run ${source.runId.slice(0, 8)}`;
    case 'last-run':
      return `the last run (${source.runId.slice(0, 8)})`;
    case 'template':
      return `the template “${source.name}”`;
  }
}

const asObject = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/**
 * The payload of a manual run: a form built from the job's payload schema (or raw JSON). It
 * starts from the job's defaults (or the payload it is opened with), says where the payload
 * came from, and can start from the last run's payload, a saved template, or the defaults
 * again. The API's field errors show under their fields.
 */
export function RunNowDialog({ jobName, isAdmin, initialPayload, replayOf, onClose, onQueued }: RunNowDialogProps) {
  const queryClient = useQueryClient();
  const [jobQuery, templatesQuery] = runNowQueries(jobName);
  const job = useQuery(jobQuery);
  const templates = useQuery(templatesQuery);
  const properties = propertiesOf(job.data?.job.payloadSchema);
  const hasForm = Object.keys(properties).length > 0;
  const [mode, setMode] = useState<'form' | 'json' | null>(null);
  const effectiveMode = mode ?? (hasForm ? 'form' : 'json');
  const [text, setText] = useState(() => JSON.stringify(initialPayload ?? {}, null, 2));
  const [values, setValues] = useState<FieldValues | null>(null);
  const fieldValues = values ?? valuesFrom(properties, asObject(initialPayload));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<string[]>([]);
  const [limited, setLimited] = useState(false);
  const [templateName, setTemplateName] = useState('');
  const [source, setSource] = useState<PayloadSource>(() =>
    initialPayload === undefined ? { kind: 'defaults' } : replayOf ? { kind: 'run', runId: replayOf } : { kind: 'given' },
  );
  const [edited, setEdited] = useState(false);
  const [templateChoice, setTemplateChoice] = useState('');
  const lastRunId = job.data?.job.lastRun?.id ?? null;
  const lastRun = useMutation({
    mutationFn: (id: string) => apiFetch<{ run: RunDetailDto }>(`/api/runs/${id}`),
    onSuccess: ({ run }) => startFrom(run.payload, { kind: 'last-run', runId: run.id }),
    onError: showApiError,
  });

  /** Puts a payload into the form and the JSON editor, and says where it came from. */
  function startFrom(payload: unknown, from: PayloadSource) {
    setText(JSON.stringify(payload ?? {}, null, 2));
    setValues(valuesFrom(properties, asObject(payload)));
    setFieldErrors({});
    setErrors([]);
    setSource(from);
    setEdited(false);
    if (from.kind !== 'template') setTemplateChoice('');
  }

  /** The payload as the form or the JSON editor has it, or null (with the problem shown). */
  function currentPayload(): unknown | null {
    if (effectiveMode === 'form') {
      const { data, errors: local } = dataFrom(properties, fieldValues);
      setFieldErrors(local);
      return Object.keys(local).length > 0 ? null : data;
    }
    try {
      return text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      setErrors(['The payload is not valid JSON']);
      return null;
    }
  }

  function showApiError(error: unknown) {
    setLimited(error instanceof ApiError && error.status === 429);
    if (error instanceof ApiError && error.status === 429) {
      const seconds = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
      setErrors([`${error.message}${seconds ? ` (try again in ${seconds} s)` : ''}`]);
    } else if (error instanceof ApiError && error.status === 422) {
      const byField = Object.fromEntries(Object.entries(error.fieldErrors).map(([field, messages]) => [field.replace(/^payload\.?/, ''), messages.join(', ')]));
      setFieldErrors(byField);
      const form = ((error.details as { formErrors?: string[] } | undefined)?.formErrors ?? []).map(String);
      const listed = effectiveMode === 'json' ? Object.entries(byField).map(([field, message]) => `${field || 'payload'}: ${message}`) : [];
      setErrors([...listed, ...form].length > 0 ? [...listed, ...form] : effectiveMode === 'form' ? [] : [error.message]);
    } else {
      setErrors([error instanceof Error ? error.message : 'Could not reach Kickoff']);
    }
  }

  const trigger = useMutation({
    mutationFn: ({ payload, override }: { payload: unknown; override?: boolean }) =>
      apiFetch<{ runId: string }>(`/api/jobs/${encodeURIComponent(jobName)}/trigger`, {
        method: 'POST',
        json: { payload, ...(override ? { override } : {}), ...(replayOf ? { replayOf } : {}) },
      }),
    onSuccess: ({ runId }) => {
      void queryClient.invalidateQueries({ queryKey: ['runs'] });
      void queryClient.invalidateQueries({ queryKey: ['jobs'] });
      onQueued(runId);
      onClose();
    },
    onError: showApiError,
  });
  const saveTemplate = useMutation({
    mutationFn: ({ name, payload }: { name: string; payload: unknown }) =>
      apiFetch(`/api/jobs/${encodeURIComponent(jobName)}/templates`, { method: 'POST', json: { name, payload } }),
    onSuccess: () => {
      setTemplateName('');
      setErrors([]);
      void queryClient.invalidateQueries({ queryKey: ['templates', jobName] });
    },
    onError: showApiError,
  });

  function submit(override: boolean) {
    setErrors([]);
    setFieldErrors({});
    const payload = currentPayload();
    if (payload !== null) trigger.mutate({ payload, override });
  }

  function applyTemplate(id: string) {
    setTemplateChoice(id);
    const template = templates.data?.templates.find((entry) => entry.id === id);
    if (template) startFrom(template.payload, { kind: 'template', name: template.name });
  }

  function switchMode() {
    if (effectiveMode === 'form') {
      setText(JSON.stringify(dataFrom(properties, fieldValues).data, null, 2));
      setMode('json');
    } else {
      try {
        setValues(valuesFrom(properties, asObject(JSON.parse(text || '{}'))));
        setMode('form');
      } catch {
        setErrors(['The payload is not valid JSON']);
      }
    }
  }

  return (
    <Dialog
      title={`Run ${jobName}`}
      onClose={onClose}
      actions={
        hasForm ? (
          <Button size="sm" onClick={switchMode}>
            {effectiveMode === 'form' ? 'Edit as JSON' : 'Edit as form'}
          </Button>
        ) : null
      }
    >
      <form
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          submit(false);
        }}
        noValidate
        className="space-y-4"
      >
        <div className="flex flex-wrap items-center gap-2 rounded-md bg-surface-muted px-3 py-2 text-sm">
          <p role="status" data-payload-source={source.kind} className="mr-auto">
            Payload from {describeSource(source)}
            {edited ? ', edited' : ''}
          </p>
          {source.kind !== 'defaults' || edited ? (
            <Button size="sm" onClick={() => startFrom({}, { kind: 'defaults' })}>
              Reset to defaults
            </Button>
          ) : null}
          {lastRunId && !(source.kind === 'last-run' && !edited) ? (
            <Button size="sm" disabled={lastRun.isPending} onClick={() => lastRun.mutate(lastRunId)}>
              Use the last run’s payload
            </Button>
          ) : null}
        </div>
        {templates.data && templates.data.templates.length > 0 ? (
          <div>
            <label htmlFor="run-now-template" className="block text-sm font-medium">
              Template
            </label>
            <select id="run-now-template" value={templateChoice} onChange={(event) => applyTemplate(event.target.value)} className={inputClass}>
              <option value="" disabled>
                Start from a saved payload…
              </option>
              {templates.data.templates.map((template) => (
                <option key={template.id} value={template.id}>
                  {template.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {effectiveMode === 'form' ? (
          <fieldset className="space-y-3">
            <legend className="sr-only">Payload</legend>
            <SchemaFields
              idPrefix="payload"
              properties={properties}
              values={fieldValues}
              errors={fieldErrors}
              onChange={(next) => {
                setValues(next);
                setEdited(true);
              }}
              autoFocusFirst
            />
          </fieldset>
        ) : (
          <div>
            <label htmlFor="run-now-payload" className="text-sm font-medium">
              Payload
            </label>
            <textarea
              id="run-now-payload"
              value={text}
              onChange={(event) => {
                setText(event.target.value);
                setEdited(true);
              }}
              rows={8}
              spellCheck={false}
              aria-invalid={errors.length > 0}
              aria-describedby="run-now-errors"
              data-autofocus
              className={`mt-1 block w-full px-3 py-2 font-mono text-xs ${controlClass}`}
            />
          </div>
        )}
        <div id="run-now-errors" role="alert" className="text-xs text-danger empty:hidden">
          {errors.length > 0 ? (
            <ul className="space-y-1">
              {errors.map((error) => (
                <li key={error}>{error}</li>
              ))}
            </ul>
          ) : null}
        </div>
        <div className="flex items-end gap-2 border-t border-line pt-3">
          <label className="flex-1 text-xs text-muted">
            Save this payload as
            <input value={templateName} onChange={(event) => setTemplateName(event.target.value)} placeholder="template name" className={inputClass} />
          </label>
          <Button
            size="sm"
            disabled={!templateName.trim() || saveTemplate.isPending}
            onClick={() => {
              const payload = currentPayload();
              if (payload !== null) saveTemplate.mutate({ name: templateName.trim(), payload });
            }}
          >
            Save template
          </Button>
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
    </Dialog>
  );
}
