/** Form pieces shared by the dashboard's forms: one input style, and errors shown next to their field. */
export const inputClass = 'mt-1 block w-full rounded-md border-0 px-2 py-1.5 text-sm ring-1 ring-inset ring-slate-300 dark:bg-slate-900 dark:ring-slate-700';

/** Field errors keyed by dotted path (`condition.thresholdMs`), as the API's 422 and zod's flatten give them. */
export type FieldErrors = Record<string, string[]>;

export function FieldError({ errors, field }: { errors: FieldErrors; field: string }) {
  const messages = errors[field];
  return messages?.length ? (
    <p className="mt-1 text-xs text-rose-700 dark:text-rose-300" data-field-error={field}>
      {messages.join(', ')}
    </p>
  ) : null;
}
