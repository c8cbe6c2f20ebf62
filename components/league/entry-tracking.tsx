'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { apiFetch, ApiError } from '../api-client.ts';
import { Button } from '../ui/button.tsx';
import { inputClass } from '../ui/field.tsx';

/**
 * Following entries from the Entries page: a Track/Untrack button per entry and a form to
 * track an entry by its upstream id, both through PATCH /api/league/entries/:id; the server
 * page is refreshed after each change.
 */

function useSetTracked() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const setTracked = async (entryId: number, tracked: boolean): Promise<boolean> => {
    setPending(true);
    setError(null);
    try {
      await apiFetch(`/api/league/entries/${entryId}`, { method: 'PATCH', json: { tracked } });
      router.refresh();
      return true;
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'Could not reach Kickoff');
      return false;
    } finally {
      setPending(false);
    }
  };
  return { pending, error, setTracked };
}

export function TrackButton({ entryId, tracked }: { entryId: number; tracked: boolean }) {
  const { pending, error, setTracked } = useSetTracked();
  return (
    <span className="inline-flex items-center gap-2">
      {error ? (
        <span role="alert" className="text-xs text-danger">
          {error}
        </span>
      ) : null}
      <Button size="sm" variant={tracked ? 'secondary' : 'primary'} disabled={pending} onClick={() => void setTracked(entryId, !tracked)} data-track-entry={entryId}>
        {tracked ? 'Untrack' : 'Track'}
      </Button>
    </span>
  );
}

export function TrackEntryForm() {
  const { pending, error, setTracked } = useSetTracked();
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const id = Number(value);
    setInvalid(!(Number.isInteger(id) && id >= 1));
    if (!(Number.isInteger(id) && id >= 1)) return;
    if (await setTracked(id, true)) setValue('');
  }

  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate className="flex flex-wrap items-end gap-3 p-4">
      <label className="text-xs text-muted">
        Entry id
        <input name="entryId" inputMode="numeric" value={value} onChange={(event) => setValue(event.target.value.trim())} className={`${inputClass} w-40`} placeholder="e.g. 1234" />
      </label>
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? 'Tracking…' : 'Track'}
      </Button>
      {invalid || error ? (
        <p role="alert" className="w-full text-xs text-danger">
          {invalid ? 'An entry id is a whole number from 1' : error}
        </p>
      ) : null}
    </form>
  );
}
