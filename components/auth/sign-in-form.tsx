'use client';

import { useState, type FormEvent } from 'react';
import { safeNextPath } from '@/lib/auth/next-path.ts';
import { signInSchema } from '@/lib/validations/auth.ts';
import { apiFetch, ApiError } from '../api-client.ts';
import { Button } from '../ui/button.tsx';
import { controlClass } from '../ui/field.tsx';

type FieldErrors = Partial<Record<'email' | 'password', string>>;

export function SignInForm({ next }: { next: string }) {
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = signInSchema.safeParse({ email: form.get('email'), password: form.get('password') });
    if (!parsed.success) {
      const errors: FieldErrors = {};
      for (const issue of parsed.error.issues) errors[issue.path[0] as keyof FieldErrors] ??= issue.message;
      setFieldErrors(errors);
      return;
    }
    setFieldErrors({});
    setFormError(null);
    setPending(true);
    try {
      await apiFetch('/api/auth/login', { method: 'POST', json: parsed.data });
      // Checked again here, where it is used: the page's check is one render away.
      window.location.assign(new URL(safeNextPath(next), window.location.origin).href);
    } catch (error) {
      setFormError(error instanceof ApiError ? error.message : 'Could not reach Kickoff');
      setPending(false);
    }
  }

  const input = `mt-1 block w-full px-3 py-2 text-sm shadow-xs ${controlClass}`;
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4 rounded-lg bg-surface p-6 shadow-sm ring-1 ring-line">
      <h1 className="text-base font-semibold">Sign in</h1>
      {formError ? (
        <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
          {formError}
        </p>
      ) : null}
      <div>
        <label htmlFor="email" className="text-sm font-medium">
          Email
        </label>
        <input id="email" name="email" type="email" autoComplete="username" aria-invalid={Boolean(fieldErrors.email)} aria-describedby="email-error" className={input} />
        {fieldErrors.email ? (
          <p id="email-error" className="mt-1 text-xs text-danger">
            {fieldErrors.email}
          </p>
        ) : null}
      </div>
      <div>
        <label htmlFor="password" className="text-sm font-medium">
          Password
        </label>
        <input id="password" name="password" type="password" autoComplete="current-password" aria-invalid={Boolean(fieldErrors.password)} aria-describedby="password-error" className={input} />
        {fieldErrors.password ? (
          <p id="password-error" className="mt-1 text-xs text-danger">
            {fieldErrors.password}
          </p>
        ) : null}
      </div>
      <Button type="submit" variant="primary" className="w-full" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
