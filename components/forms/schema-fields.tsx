'use client';

import type { FieldUnit } from '@/lib/jobs/field-meta.ts';
import { Button } from '../ui/button.tsx';
import { controlClass } from '../ui/field.tsx';

/**
 * Form fields built from a JSON Schema object's properties (job configs and payloads), with
 * the words the job's definition gives each field (`.meta({ title, description, unit })`, see
 * lib/jobs/field-meta.ts): a label, help, the unit, the default; arrays as lists of inputs,
 * enums as selects. The one component behind the config form and the Run now dialog.
 */
export interface FieldSchema {
  type?: string | string[];
  enum?: unknown[];
  title?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  items?: FieldSchema;
  unit?: FieldUnit;
  editAs?: 'seconds' | 'minutes';
}

/** What a field holds while it is edited: text for one value, a list of texts for an array, a flag for a boolean. */
export type FieldValue = string | boolean | string[];
export type FieldValues = Record<string, FieldValue>;
type Kind = 'boolean' | 'number' | 'string' | 'enum' | 'array' | 'json';

/** The fields of an object schema, in the order its definition gives them (`x-order`: jsonb keeps no key order). */
export function propertiesOf(schema: unknown): Record<string, FieldSchema> {
  const object = schema as { properties?: Record<string, FieldSchema>; 'x-order'?: unknown } | null;
  const properties = object?.properties ?? {};
  const order = Array.isArray(object?.['x-order']) ? (object['x-order'] as string[]).filter((key) => key in properties) : [];
  return Object.fromEntries([...order, ...Object.keys(properties).filter((key) => !order.includes(key))].map((key) => [key, properties[key]!]));
}

function kindOf(schema: FieldSchema | undefined): Kind {
  if (!schema) return 'json';
  if (schema.enum) return 'enum';
  const type = Array.isArray(schema.type) ? schema.type.find((entry) => entry !== 'null') : schema.type;
  if (type === 'boolean') return 'boolean';
  if (type === 'number' || type === 'integer') return 'number';
  if (type === 'string') return 'string';
  if (type === 'array' && ['number', 'string', 'enum'].includes(kindOf(schema.items))) return 'array';
  return 'json';
}

/** How a stored number is shown: its factor (stored = shown × factor) and the unit's words. */
export function displayUnit(field: FieldSchema): { factor: number; label: string } | null {
  switch (field.unit) {
    case 'ms':
      return field.editAs === 'minutes' ? { factor: 60_000, label: 'minutes' } : { factor: 1_000, label: 'seconds' };
    case 'ratio':
      return { factor: 0.01, label: '%' };
    case undefined:
      return null;
    default:
      return { factor: 1, label: field.unit };
  }
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;
const toShown = (field: FieldSchema, value: unknown) => (typeof value === 'number' ? String(round(value / (displayUnit(field)?.factor ?? 1))) : value == null ? '' : String(value));
const toStored = (field: FieldSchema, text: string) => round(Number(text) * (displayUnit(field)?.factor ?? 1));

/** The label of a field: its title, else its key in words. */
export function labelOf(key: string, field: FieldSchema): string {
  return field.title ?? key.replace(/([A-Z])/g, ' $1').replace(/^./, (first) => first.toUpperCase());
}

/** A default in the words the form shows it in: `30 minutes`, `[1, 2, 3]`, `on`. */
export function describeDefault(field: FieldSchema): string | null {
  if (field.default === undefined) return null;
  const unit = displayUnit(field);
  if (typeof field.default === 'number') return `${toShown(field, field.default)}${unit ? (unit.label === '%' ? ' %' : ` ${unit.label}`) : ''}`;
  if (typeof field.default === 'boolean') return field.default ? 'on' : 'off';
  if (Array.isArray(field.default)) return field.default.length === 0 ? 'none' : field.default.join(', ');
  return String(field.default);
}

/** Field values from data (falling back to each field's default). */
export function valuesFrom(properties: Record<string, FieldSchema>, data: Record<string, unknown>): FieldValues {
  return Object.fromEntries(
    Object.entries(properties).map(([key, field]): [string, FieldValue] => {
      const value = data[key] ?? field.default;
      const kind = kindOf(field);
      if (kind === 'boolean') return [key, Boolean(value)];
      if (kind === 'array') return [key, Array.isArray(value) ? value.map((item) => toShown(field.items!, item)) : []];
      if (kind === 'json') return [key, value === undefined ? '' : JSON.stringify(value)];
      return [key, kind === 'number' ? toShown(field, value) : value == null ? '' : String(value)];
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
    else if (kind === 'array') {
      const items = (Array.isArray(value) ? value : []).filter((item) => item.trim() !== '');
      if (items.length === 0) continue;
      const itemKind = kindOf(field.items);
      if (itemKind === 'number' && items.some((item) => !Number.isFinite(Number(item)))) errors[key] = 'Every entry must be a number';
      else data[key] = items.map((item) => (itemKind === 'number' ? toStored(field.items!, item) : item));
    } else if (value === '' || value === undefined || typeof value !== 'string') continue;
    else if (kind === 'number') {
      if (Number.isFinite(Number(value))) data[key] = toStored(field, value);
      else errors[key] = 'Must be a number';
    } else if (kind === 'json') {
      try {
        data[key] = JSON.parse(value);
      } catch {
        errors[key] = 'Not valid JSON';
      }
    } else data[key] = value;
  }
  return { data, errors };
}

/** A bound in the unit the form shows (`0 – 60 seconds`). */
function rangeOf(field: FieldSchema): string | null {
  const safe = (bound: number | undefined) => (bound !== undefined && Math.abs(bound) < Number.MAX_SAFE_INTEGER ? toShown(field, bound) : null);
  const [min, max] = [safe(field.minimum), safe(field.maximum)];
  if (min === null && max === null) return null;
  return min !== null && max !== null ? `${min}–${max}` : min !== null ? `at least ${min}` : `at most ${max}`;
}

function ScalarInput({
  id,
  field,
  value,
  disabled,
  label,
  describedBy,
  invalid,
  autoFocus,
  onChange,
}: {
  id: string;
  field: FieldSchema;
  value: string;
  disabled: boolean;
  label?: string;
  describedBy?: string;
  invalid: boolean;
  autoFocus?: boolean;
  onChange: (value: string) => void;
}) {
  const kind = kindOf(field);
  const common = { id, disabled, 'aria-label': label, 'aria-invalid': invalid, 'aria-describedby': describedBy, ...(autoFocus ? { 'data-autofocus': true } : {}) };
  if (kind === 'enum') {
    return (
      <select {...common} className={`block w-full px-2 py-1.5 text-sm ${controlClass}`} value={value} onChange={(event) => onChange(event.target.value)}>
        {field.default === undefined ? <option value="">— not set —</option> : null}
        {field.enum!.map((option) => (
          <option key={String(option)} value={String(option)}>
            {String(option)}
          </option>
        ))}
      </select>
    );
  }
  const unit = kind === 'number' ? displayUnit(field) : null;
  return (
    <div className="flex items-center gap-2">
      <input
        {...common}
        className={kind === 'json' ? `block w-full px-2 py-1.5 font-mono text-xs ${controlClass}` : `block w-full px-2 py-1.5 text-sm ${controlClass}`}
        type={kind === 'number' ? 'number' : 'text'}
        inputMode={kind === 'number' ? 'decimal' : undefined}
        step="any"
        placeholder={field.default !== undefined ? `default ${describeDefault(field)}` : undefined}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      {unit ? (
        <span className="shrink-0 text-sm text-muted" data-unit>
          {unit.label}
        </span>
      ) : null}
    </div>
  );
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
        const autoFocus = autoFocusFirst && index === 0;
        const kind = kindOf(field);
        const id = `${idPrefix}-${key}`;
        const label = labelOf(key, field);
        const error = errors[key] ?? Object.entries(errors).find(([path]) => path.startsWith(`${key}.`))?.[1];
        const fallback = describeDefault(field);
        const range = kind === 'number' ? rangeOf(field) : null;
        const hint = [field.description, range ? `Allowed: ${range}${displayUnit(field) ? ` ${displayUnit(field)!.label}` : ''}.` : null, fallback !== null ? `Default: ${fallback}.` : null]
          .filter(Boolean)
          .join(' ');
        const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
        const set = (value: FieldValue) => onChange({ ...values, [key]: value });
        return (
          <div key={key} data-field={key}>
            {kind === 'boolean' ? (
              <label htmlFor={id} className="flex items-center gap-2 text-sm font-medium">
                <input
                  id={id}
                  type="checkbox"
                  {...(autoFocus ? { 'data-autofocus': true } : {})}
                  disabled={disabled}
                  checked={Boolean(values[key])}
                  onChange={(event) => set(event.target.checked)}
                  aria-describedby={describedBy}
                  className="size-4 accent-primary"
                />
                {label}
              </label>
            ) : kind === 'array' ? (
              <span id={`${id}-label`} className="text-sm font-medium">
                {label}
              </span>
            ) : (
              <label htmlFor={id} className="text-sm font-medium">
                {label}
              </label>
            )}
            {kind === 'array' ? (
              <ArrayInputs id={id} label={label} field={field} items={Array.isArray(values[key]) ? values[key] : []} disabled={disabled} describedBy={describedBy} invalid={Boolean(error)} autoFocus={autoFocus} onChange={set} />
            ) : kind === 'boolean' ? null : (
              <div className="mt-1">
                <ScalarInput id={id} field={field} value={String(values[key] ?? '')} disabled={disabled} describedBy={describedBy} invalid={Boolean(error)} autoFocus={autoFocus} onChange={set} />
              </div>
            )}
            {hint ? (
              <p id={`${id}-hint`} className="mt-1 text-xs text-muted">
                {hint}
              </p>
            ) : null}
            {error ? (
              <p id={`${id}-error`} role="alert" className="mt-1 text-xs text-danger" data-field-error={key}>
                {error}
              </p>
            ) : null}
          </div>
        );
      })}
    </>
  );
}

/** An array as one input per entry, with Add and Remove. */
function ArrayInputs({
  id,
  label,
  field,
  items,
  disabled,
  describedBy,
  invalid,
  autoFocus,
  onChange,
}: {
  id: string;
  label: string;
  field: FieldSchema;
  items: string[];
  disabled: boolean;
  describedBy?: string;
  invalid: boolean;
  autoFocus: boolean;
  onChange: (items: string[]) => void;
}) {
  const itemField = field.items!;
  const firstOption = itemField.enum ? String(itemField.enum[0]) : '';
  return (
    <div role="group" aria-labelledby={`${id}-label`} aria-describedby={describedBy} className="mt-1 space-y-1.5">
      {items.length === 0 ? <p className="text-xs text-muted">No entries{field.default === undefined ? ' (the job decides)' : ''}.</p> : null}
      <ul className="space-y-1.5">
        {items.map((item, index) => (
          <li key={index} className="flex items-center gap-2">
            <div className="flex-1">
              <ScalarInput
                id={`${id}-${index}`}
                field={itemField}
                label={`${label} ${index + 1}`}
                value={item}
                disabled={disabled}
                invalid={invalid}
                autoFocus={autoFocus && index === 0}
                onChange={(value) => onChange(items.map((old, at) => (at === index ? value : old)))}
              />
            </div>
            {disabled ? null : (
              <Button size="sm" aria-label={`Remove ${label} ${index + 1}`} onClick={() => onChange(items.filter((_, at) => at !== index))}>
                Remove
              </Button>
            )}
          </li>
        ))}
      </ul>
      {disabled ? null : (
        <Button size="sm" aria-label={`Add to ${label}`} onClick={() => onChange([...items, firstOption])}>
          Add
        </Button>
      )}
    </div>
  );
}
