'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiFetch, ApiError } from '../api-client.ts';
import { Button } from '../ui/button.tsx';
import { FieldError, inputClass, type FieldErrors } from '../ui/field.tsx';
import { Panel } from '../ui/panel.tsx';

/** Your own password: the current one first; your other sessions end when it changes. */
export function PasswordForm() {
  const queryClient = useQueryClient();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [done, setDone] = useState<number | null>(null);
  const change = useMutation({
    mutationFn: () => apiFetch<{ sessionsEnded: number }>('/api/account/password', { method: 'POST', json: { currentPassword, newPassword } }),
    onSuccess: ({ sessionsEnded }) => {
      setDone(sessionsEnded);
      setCurrent('');
      setNew('');
      void queryClient.invalidateQueries({ queryKey: ['account', 'sessions'] });
    },
    onError: (error) => setErrors(error instanceof ApiError && error.status === 422 ? error.fieldErrors : {}),
  });
  const describedBy = (field: string) => (errors[field]?.length ? `password-${field}-error` : undefined);
  return (
    <Panel title="Password">
      <form
        noValidate
        className="space-y-3 p-4"
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          setErrors({});
          setDone(null);
          change.mutate();
        }}
      >
        <div>
          <label htmlFor="password-current" className="text-sm font-medium">
            Current password
          </label>
          <input id="password-current" type="password" autoComplete="current-password" value={currentPassword} onChange={(event) => setCurrent(event.target.value)} className={inputClass} aria-invalid={Boolean(errors.currentPassword?.length)} aria-describedby={describedBy('currentPassword')} />
          <div id="password-currentPassword-error">
            <FieldError errors={errors} field="currentPassword" />
          </div>
        </div>
        <div>
          <label htmlFor="password-new" className="text-sm font-medium">
            New password
          </label>
          <input id="password-new" type="password" autoComplete="new-password" value={newPassword} onChange={(event) => setNew(event.target.value)} className={inputClass} aria-invalid={Boolean(errors.newPassword?.length)} aria-describedby={['password-new-hint', describedBy('newPassword')].filter(Boolean).join(' ')} />
          <p id="password-new-hint" className="mt-1 text-xs text-muted">
            At least 10 characters. Your other sessions end when it changes; this one stays signed in.
          </p>
          <div id="password-newPassword-error">
            <FieldError errors={errors} field="newPassword" />
          </div>
        </div>
        <div className="flex items-center gap-3">
          <Button type="submit" variant="primary" disabled={change.isPending}>
            {change.isPending ? 'Changing…' : 'Change password'}
          </Button>
          {done !== null ? (
            <span role="status" className="text-sm text-success">
              Password changed. {done === 0 ? 'No other session was open.' : `${done} other ${done === 1 ? 'session' : 'sessions'} ended.`}
            </span>
          ) : null}
          {change.error && !(change.error instanceof ApiError && change.error.status === 422) ? (
            <span role="alert" className="text-sm text-danger">
              {change.error.message}
            </span>
          ) : null}
        </div>
      </form>
    </Panel>
  );
}
