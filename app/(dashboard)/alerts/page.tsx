import type { Metadata } from 'next';
import { AlertsList } from '@/components/alerts/alerts-list.tsx';
import { roleAllows } from '@/lib/auth/permissions.ts';
import { requirePrincipal } from '../../_lib/session.ts';

export const metadata: Metadata = { title: 'Alerts' };

export default async function AlertsPage() {
  const principal = await requirePrincipal();
  return (
    <div className="max-w-4xl">
      <h1 className="mb-4 text-xl font-semibold">Alerts</h1>
      <AlertsList canAct={roleAllows(principal.role, 'alerts:ack')} />
    </div>
  );
}
