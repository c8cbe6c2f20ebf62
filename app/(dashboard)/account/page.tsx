import type { Metadata } from 'next';
import { PasswordForm } from '@/components/account/password-form.tsx';
import { SessionsPanel } from '@/components/account/sessions-panel.tsx';
import { ThemeSwitch } from '@/components/account/theme-switch.tsx';
import { requirePrincipal } from '../../_lib/session.ts';

export const metadata: Metadata = { title: 'Account' };

/** Your own account: the theme of this browser, your password and your sessions. */
export default async function AccountPage() {
  const principal = await requirePrincipal();
  const person = principal.type === 'user' && Boolean(principal.sessionId);
  return (
    <div className="max-w-3xl">
      <h1 className="text-xl font-semibold">Account</h1>
      <p className="mt-1 mb-4 text-sm text-muted">
        Signed in as {principal.label} ({principal.role})
      </p>
      <div className="space-y-6">
        <ThemeSwitch />
        {person ? (
          <>
            <PasswordForm />
            <SessionsPanel />
          </>
        ) : null}
      </div>
    </div>
  );
}
