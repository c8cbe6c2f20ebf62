'use client';

import { useState, type FormEvent } from 'react';
import { ApiError } from '../api-client.ts';
import { dataFrom, propertiesOf, SchemaFields, valuesFrom } from '../forms/schema-fields.tsx';
import { Button } from '../ui/button.tsx';
import { useJobUpdate } from './use-job-update.ts';

/**
 * A job's config as a form built from its JSON Schema. Submitted whole; the server
 * validates it with the job's schema and its field errors show under each field.
 */
export function ConfigForm({ name, schema, config, canEdit }: { name: string; schema: unknown; config: Record<string, unknown>; canEdit: boolean }) {
  const properties = propertiesOf(schema);
  const [values, setValues] = useState(() => valuesFrom(properties, config));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const update = useJobUpdate(name);

  if (Object.keys(properties).length === 0) return <p className="px-4 py-6 text-sm text-muted">This job has no configuration.</p>;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const { data, errors: local } = dataFrom(properties, values);
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    update.mutate(
      { config: data },
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

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4 p-4">
      <SchemaFields idPrefix="config" properties={properties} values={values} errors={errors} disabled={!canEdit} onChange={setValues} />
      {canEdit ? (
        <div className="flex items-center gap-3">
          <Button type="submit" variant="primary" disabled={update.isPending}>
            {update.isPending ? 'Saving…' : 'Save config'}
          </Button>
          {saved ? (
            <span role="status" className="text-sm text-success">
              Saved
            </span>
          ) : null}
          {update.error && !(update.error instanceof ApiError && update.error.status === 422) ? (
            <span role="alert" className="text-sm text-danger">
              {update.error.message}
            </span>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
