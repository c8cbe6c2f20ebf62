'use client';

import { useState, type FormEvent } from 'react';
import { ApiError } from '../api-client.ts';
import { Button } from '../ui/button.tsx';
import { useJobUpdate } from './use-job-update.ts';

interface FieldSchema {
  type?: string | string[];
  enum?: unknown[];
  description?: string;
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

type Kind = 'boolean' | 'number' | 'string' | 'enum' | 'json';

function kindOf(schema: FieldSchema): Kind {
  if (schema.enum) return 'enum';
  const type = Array.isArray(schema.type) ? schema.type.find((entry) => entry !== 'null') : schema.type;
  if (type === 'boolean') return 'boolean';
  if (type === 'number' || type === 'integer') return 'number';
  if (type === 'string') return 'string';
  return 'json';
}

/**
 * A job's config as a form built from its JSON Schema (one field per property). Submitted
 * whole; the server validates it with the job's schema and its field errors show under
 * each field.
 */
export function ConfigForm({ name, schema, config, canEdit }: { name: string; schema: unknown; config: Record<string, unknown>; canEdit: boolean }) {
  const properties = ((schema as { properties?: Record<string, FieldSchema> } | null)?.properties ?? {}) as Record<string, FieldSchema>;
  const [values, setValues] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(
      Object.entries(properties).map(([key, field]) => {
        const value = config[key] ?? field.default;
        return [key, kindOf(field) === 'boolean' ? Boolean(value) : kindOf(field) === 'json' ? JSON.stringify(value ?? null) : value == null ? '' : String(value)];
      }),
    ),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const update = useJobUpdate(name);

  if (Object.keys(properties).length === 0) return <p className="px-4 py-6 text-sm text-slate-500">This job has no configuration.</p>;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const next: Record<string, unknown> = {};
    const local: Record<string, string> = {};
    for (const [key, field] of Object.entries(properties)) {
      const value = values[key];
      const kind = kindOf(field);
      if (kind === 'boolean') next[key] = Boolean(value);
      else if (kind === 'number') next[key] = value === '' ? undefined : Number(value);
      else if (kind === 'json') {
        try {
          next[key] = JSON.parse(String(value));
        } catch {
          local[key] = 'Not valid JSON';
        }
      } else next[key] = value;
    }
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    update.mutate(
      { config: next },
      {
        onSuccess: () => setSaved(true),
        onError: (error) => {
          if (error instanceof ApiError && error.status === 422) {
            setErrors(Object.fromEntries(Object.entries(error.fieldErrors).map(([field, messages]) => [field.replace(/^config\./, ''), messages.join(', ')])));
          }
        },
      },
    );
  }

  const input = 'mt-1 block w-full rounded-md border-0 px-2 py-1.5 text-sm ring-1 ring-inset ring-slate-300 disabled:opacity-60 dark:bg-slate-900 dark:ring-slate-700';
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4 p-4">
      {Object.entries(properties).map(([key, field]) => {
        const kind = kindOf(field);
        const id = `config-${key}`;
        const error = errors[key];
        return (
          <div key={key}>
            {kind === 'boolean' ? (
              <label htmlFor={id} className="flex items-center gap-2 text-sm font-medium">
                <input id={id} type="checkbox" disabled={!canEdit} checked={Boolean(values[key])} onChange={(event) => setValues({ ...values, [key]: event.target.checked })} className="size-4 accent-teal-700" />
                {key}
              </label>
            ) : (
              <label htmlFor={id} className="text-sm font-medium">
                {key}
              </label>
            )}
            {kind === 'enum' ? (
              <select id={id} disabled={!canEdit} className={input} value={String(values[key])} onChange={(event) => setValues({ ...values, [key]: event.target.value })} aria-invalid={Boolean(error)}>
                {field.enum!.map((option) => (
                  <option key={String(option)}>{String(option)}</option>
                ))}
              </select>
            ) : kind === 'boolean' ? null : (
              <input
                id={id}
                disabled={!canEdit}
                className={`${input} ${kind === 'json' ? 'font-mono text-xs' : ''}`}
                type={kind === 'number' ? 'number' : 'text'}
                min={field.minimum}
                max={field.maximum}
                value={String(values[key] ?? '')}
                onChange={(event) => setValues({ ...values, [key]: event.target.value })}
                aria-invalid={Boolean(error)}
                aria-describedby={error ? `${id}-error` : undefined}
              />
            )}
            {field.description ? <p className="mt-1 text-xs text-slate-500">{field.description}</p> : null}
            {error ? (
              <p id={`${id}-error`} role="alert" className="mt-1 text-xs text-rose-700 dark:text-rose-300">
                {error}
              </p>
            ) : null}
          </div>
        );
      })}
      {canEdit ? (
        <div className="flex items-center gap-3">
          <Button type="submit" variant="primary" disabled={update.isPending}>
            {update.isPending ? 'Saving…' : 'Save config'}
          </Button>
          {saved ? (
            <span role="status" className="text-sm text-emerald-700 dark:text-emerald-300">
              Saved
            </span>
          ) : null}
          {update.error && !(update.error instanceof ApiError && update.error.status === 422) ? (
            <span role="alert" className="text-sm text-rose-700">
              {update.error.message}
            </span>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
