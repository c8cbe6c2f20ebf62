/**
 * What a job's payload and config fields say about themselves, given once in the definition
 * with zod's `.meta()`: `title` (the form's label), `description` (its help) and, for a number
 * with a unit, `unit` and how a person edits it (`editAs`). `z.toJSONSchema` copies them into
 * the schema the worker stores (worker/catalog-sync.ts), which the dashboard's forms read
 * (components/forms/schema-fields.tsx).
 */
declare module 'zod' {
  interface GlobalMeta {
    /** The unit the value is stored in: a number of `ms` may be edited as seconds or minutes (`editAs`); a `ratio` (0–1) is edited as a percentage. */
    unit?: FieldUnit;
    /** For `unit: 'ms'`: the unit the form shows and takes. Default: seconds. */
    editAs?: 'seconds' | 'minutes';
  }
}

export type FieldUnit = 'ms' | 'seconds' | 'minutes' | 'hours' | 'days' | 'ratio';

