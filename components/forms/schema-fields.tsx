'use client';

import { controlClass, inputClass } from '../ui/field.tsx';

/** Form fields built from a JSON Schema object's properties (job configs and payloads). */
export interface FieldSchema {
  type?: string | string[];
  enum?: unknown[];
  description?: string;
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

export type FieldValues = Record<string, string | boolean>;
type Kind = 'boolean' | 'number' | 'string' | 'enum' | 'json';

export function propertiesOf(schema: unknown): Record<string, FieldSchema> {
  return ((schema as { properties?: Record<string, FieldSchema> } | null)?.properties ?? {}) as Record<string, FieldSchema>;
}

function kindOf(schema: FieldSchema): Kind {
  if (schema.enum) return 'enum';
  const type = Array.isArray(schema.type) ? schema.type.find((entry) => entry !== 'null') : schema.type;
  if (type === 'boolean') return 'boolean';
  if (type === 'number' || type === 'integer') return 'number';
  if (type === 'string') return 'string';
  return 'json';
}

/** Field values from data (falling back to each field's default). */
export function valuesFrom(properties: Record<string, FieldSchema>, data: Record<string, unknown>): FieldValues {
  return Object.fromEntries(
    Object.entries(properties).map(([key, field]) => {
      const value = data[key] ?? field.default;
      const kind = kindOf(field);
      return [key, kind === 'boolean' ? Boolean(value) : kind === 'json' ? (value === undefined ? '' : JSON.stringify(value)) : value == null ? '' : String(value)];
    }),
  );
}

/** The object the fields describe; empty fields are left out so the schema's defaults apply. */
export function dataFrom(properties: Record<string, FieldSchema>, values: FieldValues): { data: Record<string, unknown>; errors: Record<string, string> } {
  const data: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const [key, field] of Object.entries(properties)) {
    const value = values[key];
    const kind = kindOf(field);
    if (kind === 'boolean') data[key] = Boolean(value);
    else if (value === '' || value === undefined) continue;
    else if (kind === 'number') data[key] = Number(value);
    else if (kind === 'json') {
      try {
        data[key] = JSON.parse(String(value));
      } catch {
        errors[key] = 'Not valid JSON';
      }
    } else data[key] = value;
  }
  return { data, errors };
}


export function SchemaFields({
  idPrefix,
  properties,
  values,
  errors,
  disabled = false,
  autoFocusFirst = false,
  onChange,
}: {
  idPrefix: string;
  properties: Record<string, FieldSchema>;
  values: FieldValues;
  errors: Record<string, string>;
  disabled?: boolean;
  /** Marks the first field for the dialog that holds it to focus when it opens. */
  autoFocusFirst?: boolean;
  onChange: (values: FieldValues) => void;
}) {
  return (
    <>
      {Object.entries(properties).map(([key, field], index) => {
        const autoFocus = autoFocusFirst && index === 0 ? { 'data-autofocus': true } : {};
        const kind = kindOf(field);
        const id = `${idPrefix}-${key}`;
        const error = errors[key];
        const describedBy = [field.description ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
        return (
          <div key={key}>
            {kind === 'boolean' ? (
              <label htmlFor={id} className="flex items-center gap-2 text-sm font-medium">
                <input id={id} type="checkbox" {...autoFocus} disabled={disabled} checked={Boolean(values[key])} onChange={(event) => onChange({ ...values, [key]: event.target.checked })} className="size-4 accent-primary" />
                {key}
              </label>
            ) : (
              <label htmlFor={id} className="text-sm font-medium">
                {key}
              </label>
            )}
            {kind === 'enum' ? (
              <select id={id} {...autoFocus} disabled={disabled} className={inputClass} value={String(values[key])} onChange={(event) => onChange({ ...values, [key]: event.target.value })} aria-invalid={Boolean(error)} aria-describedby={describedBy}>
                {field.enum!.map((option) => (
                  <option key={String(option)}>{String(option)}</option>
                ))}
              </select>
            ) : kind === 'boolean' ? null : (
              <input
                id={id}
                {...autoFocus}
                disabled={disabled}
                className={kind === 'json' ? `mt-1 block w-full px-2 py-1.5 font-mono text-xs ${controlClass}` : inputClass}
                type={kind === 'number' ? 'number' : 'text'}
                min={field.minimum}
                max={field.maximum}
                placeholder={field.default !== undefined ? `default ${JSON.stringify(field.default)}` : undefined}
                value={String(values[key] ?? '')}
                onChange={(event) => onChange({ ...values, [key]: event.target.value })}
                aria-invalid={Boolean(error)}
                aria-describedby={describedBy}
              />
            )}
            {field.description ? <p id={`${id}-hint`} className="mt-1 text-xs text-muted">
                {field.description}
              </p> : null}
            {error ? (
              <p id={`${id}-error`} role="alert" className="mt-1 text-xs text-danger">
                {error}
              </p>
            ) : null}
          </div>
        );
      })}
    </>
  );
}
