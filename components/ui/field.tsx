/** Form pieces shared by the dashboard's forms: one control style, and errors shown next to their field. */

/** The look of every input, select and textarea: a 3:1 edge on the surface (WCAG 1.4.11). */
export const controlClass = 'rounded-md border-0 bg-surface text-fg ring-1 ring-inset ring-control disabled:opacity-60';

/** A full-width control under its label. */
export const inputClass = `mt-1 block w-full px-2 py-1.5 text-sm ${controlClass}`;

/** The small label above a control (filters, inline forms). */
export const labelClass = 'text-xs text-muted';

/** Field errors keyed by dotted path (`condition.thresholdMs`), as the API's 422 and zod's flatten give them. */
export type FieldErrors = Record<string, string[]>;

export function FieldError({ errors, field }: { errors: FieldErrors; field: string }) {
  const messages = errors[field];
  return messages?.length ? (
    <p className="mt-1 text-xs text-danger" data-field-error={field}>
      {messages.join(', ')}
    </p>
  ) : null;
}
