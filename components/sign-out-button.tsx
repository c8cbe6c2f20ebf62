'use client';

import { apiFetch } from './api-client.ts';
import { Button } from './ui/button.tsx';

export function SignOutButton() {
  return (
    <Button
      size="sm"
      onClick={async () => {
        await apiFetch('/api/auth/logout', { method: 'POST' }).catch(() => {});
        window.location.assign('/login');
      }}
    >
      Sign out
    </Button>
  );
}
