import type { Metadata } from 'next';
import { ApiKeysPanel, UsersPanel } from '@/components/settings/access-panels.tsx';
import { SettingsForm } from '@/components/settings/settings-form.tsx';
import { roleAllows } from '@/lib/auth/permissions.ts';
import { requirePrincipal } from '../../_lib/session.ts';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const principal = await requirePrincipal();
  return (
    <div className="max-w-3xl">
      <h1 className="mb-4 text-xl font-semibold">Settings</h1>
      <div className="space-y-6">
        <SettingsForm canEdit={roleAllows(principal.role, 'settings:edit')} />
        {roleAllows(principal.role, 'users:manage') ? (
          <>
            <UsersPanel />
            <ApiKeysPanel />
          </>
        ) : null}
      </div>
    </div>
  );
}
