'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { ApiKeyDto, UserDto } from '@/lib/users/manage-users.ts';
import { apiFetch, ApiError } from '../api-client.ts';
import { Button } from '../ui/button.tsx';
import { controlClass, FieldError, inputClass } from '../ui/field.tsx';
import { formatRelative, formatTime } from '../ui/format.ts';
import { ErrorNote, LoadingRows, Panel } from '../ui/panel.tsx';

const input = inputClass;
const grantsOf = (text: string) => text.split(',').map((grant) => grant.trim()).filter(Boolean);


/** Users: who may sign in, with which role and grants. */
export function UsersPanel() {
  const queryClient = useQueryClient();
  const users = useQuery({ queryKey: ['users'], queryFn: () => apiFetch<{ users: UserDto[] }>('/api/users') });
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['users'] });
  const create = useMutation({
    mutationFn: (body: object) => apiFetch('/api/users', { method: 'POST', json: body }),
    onSuccess: () => {
      setErrors({});
      refresh();
    },
    onError: (error) => setErrors(error instanceof ApiError ? { ...error.fieldErrors, ...(error.status !== 422 ? { form: [error.message] } : {}) } : { form: ['Could not reach Kickoff'] }),
  });
  const update = useMutation({ mutationFn: ({ id, patch }: { id: string; patch: object }) => apiFetch(`/api/users/${id}`, { method: 'PATCH', json: patch }), onSettled: refresh });

  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({ email: form.get('email'), role: form.get('role'), password: form.get('password'), grants: grantsOf(String(form.get('grants') ?? '')) });
  }

  return (
    <Panel title="Users">
      {users.error ? (
        <ErrorNote what="users" error={users.error} />
      ) : !users.data ? (
        <LoadingRows label="Loading users" rows={2} />
      ) : (
        <ul className="divide-y divide-line">
          {users.data.users.map((user) => (
            <li key={user.id} className="flex flex-wrap items-center gap-3 px-4 py-2 text-sm">
              <span className="min-w-0 flex-1 truncate" title={user.email}>
                {user.email}
                {user.disabled ? <span className="ml-2 text-xs text-muted">disabled</span> : null}
                <span className="block text-xs text-muted" data-last-sign-in title={user.lastSignInAt ? formatTime(user.lastSignInAt) : undefined}>
                  {user.lastSignInAt ? `Last signed in ${formatRelative(user.lastSignInAt)}` : 'Never signed in'}
                </span>
              </span>
              <span className="truncate text-xs text-muted" title={user.grants.join(', ')}>
                {user.role === 'operator' ? user.grants.join(', ') || 'no grants' : ''}
              </span>
              <TelegramChatInput user={user} onSave={(telegramChatId) => update.mutateAsync({ id: user.id, patch: { telegramChatId } })} />
              <select aria-label={`Role of ${user.email}`} className={`py-1 pr-7 pl-2 text-xs ${controlClass}`} value={user.role} onChange={(event) => update.mutate({ id: user.id, patch: { role: event.target.value } })}>
                <option>admin</option>
                <option>operator</option>
                <option>viewer</option>
              </select>
              <Button size="sm" onClick={() => update.mutate({ id: user.id, patch: { disabled: !user.disabled } })}>
                {user.disabled ? 'Enable' : 'Disable'}
              </Button>
            </li>
          ))}
        </ul>
      )}
      {update.error ? <p role="alert" className="px-4 text-xs text-danger">{update.error.message}</p> : null}
      <form onSubmit={onCreate} noValidate className="grid grid-cols-2 gap-3 border-t border-line p-4 md:grid-cols-5">
        <label className="text-xs text-muted md:col-span-2">
          Email
          <input name="email" type="email" className={input} />
          <FieldError errors={errors} field="email" />
        </label>
        <label className="text-xs text-muted">
          Role
          <select name="role" className={input} defaultValue="viewer">
            <option>viewer</option>
            <option>operator</option>
            <option>admin</option>
          </select>
        </label>
        <label className="text-xs text-muted md:col-span-2">
          Grants (operators: job names, category:name, *)
          <input name="grants" className={input} placeholder="probe, category:stats" />
          <FieldError errors={errors} field="grants" />
        </label>
        <label className="text-xs text-muted md:col-span-2">
          Password
          <input name="password" type="password" autoComplete="new-password" className={input} />
          <FieldError errors={errors} field="password" />
        </label>
        <div className="flex items-end">
          <Button type="submit" variant="primary" disabled={create.isPending}>
            Add user
          </Button>
        </div>
        {errors.form ? <p role="alert" className="col-span-full text-xs text-danger">{errors.form.join(', ')}</p> : null}
      </form>
    </Panel>
  );
}

/** API keys: created with a role, shown once, revocable. */
export function ApiKeysPanel() {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => apiFetch<{ apiKeys: ApiKeyDto[] }>('/api/api-keys') });
  const [shown, setShown] = useState<string | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['api-keys'] });
  const create = useMutation({ mutationFn: (body: object) => apiFetch<{ key: string }>('/api/api-keys', { method: 'POST', json: body }), onSuccess: ({ key }) => setShown(key), onSettled: refresh });
  const revoke = useMutation({ mutationFn: (id: string) => apiFetch(`/api/api-keys/${id}`, { method: 'DELETE' }), onSettled: refresh });
  return (
    <Panel title="API keys">
      {shown ? (
        <div role="status" className="m-4 rounded-md bg-warning-soft p-3 text-sm text-warning">
          Copy the key now: it is not shown again.
          <code className="mt-1 block font-mono text-xs break-all">{shown}</code>
        </div>
      ) : null}
      {keys.error ? (
        <ErrorNote what="API keys" error={keys.error} />
      ) : !keys.data ? (
        <LoadingRows label="Loading API keys" rows={2} />
      ) : (
        <ul className="divide-y divide-line">
          {keys.data.apiKeys.map((key) => (
            <li key={key.id} className="flex items-center gap-3 px-4 py-2 text-sm">
              <span className="font-mono text-xs text-muted">{key.prefix}…</span>
              <span className="min-w-0 flex-1 truncate" title={key.name}>
                {key.name}
              </span>
              <span className="text-xs text-muted">{key.role}</span>
              <span className="w-32 text-right text-xs text-muted">{key.revokedAt ? 'revoked' : key.lastUsedAt ? `used ${formatRelative(key.lastUsedAt)}` : 'never used'}</span>
              {key.revokedAt ? null : (
                <Button size="sm" variant="danger" onClick={() => revoke.mutate(key.id)}>
                  Revoke
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form
        className="flex flex-wrap items-end gap-3 border-t border-line p-4"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          create.mutate({ name: form.get('name'), role: form.get('role') });
        }}
      >
        <label className="text-xs text-muted">
          Name
          <input name="name" required className={input} placeholder="deploy pipeline" />
        </label>
        <label className="text-xs text-muted">
          Role
          <select name="role" className={input} defaultValue="operator">
            <option>viewer</option>
            <option>operator</option>
            <option>admin</option>
          </select>
        </label>
        <Button type="submit" variant="primary" disabled={create.isPending}>
          Create key
        </Button>
        {create.error ? <span role="alert" className="text-xs text-danger">{create.error.message}</span> : null}
      </form>
    </Panel>
  );
}

/** The Telegram chat linked to a user (the bot answers /status and /failed there); saved on Enter or leaving the field. */
function TelegramChatInput({ user, onSave }: { user: UserDto; onSave: (chatId: string) => Promise<unknown> }) {
  const [error, setError] = useState<string | null>(null);
  async function save(value: string) {
    if (value.trim() === (user.telegramChatId ?? '')) return;
    try {
      setError(null);
      await onSave(value.trim());
    } catch (failure) {
      setError(failure instanceof ApiError ? (failure.fieldErrors.telegramChatId?.join(', ') ?? failure.message) : 'Could not save');
    }
  }
  return (
    <span className="flex flex-col">
      <input
        aria-label={`Telegram chat of ${user.email}`}
        title="Telegram chat id linked to this user: the bot's /start shows it"
        placeholder="Telegram chat id"
        defaultValue={user.telegramChatId ?? ''}
        className={`w-36 px-2 py-1 text-xs ${controlClass}`}
        onBlur={(event) => void save(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') void save(event.currentTarget.value);
        }}
      />
      {error ? <span role="alert" className="text-xs text-danger">{error}</span> : null}
    </span>
  );
}
