import type { Metadata } from 'next';
import { AlertRulesPanel, EmailTestPanel, TelegramTestPanel } from '@/components/alerts/alert-rules-panel.tsx';
import { AlertsList } from '@/components/alerts/alerts-list.tsx';
import { roleAllows } from '@/lib/auth/permissions.ts';
import { requirePrincipal } from '../../_lib/session.ts';

export const metadata: Metadata = { title: 'Alerts' };

export default async function AlertsPage() {
  const principal = await requirePrincipal();
  return (
    <div className="max-w-5xl space-y-6">
      <h1 className="text-xl font-semibold">Alerts</h1>
      <AlertsList canAct={roleAllows(principal.role, 'alerts:ack')} />
      <AlertRulesPanel canManage={roleAllows(principal.role, 'alerts:manage')} />
      {roleAllows(principal.role, 'alerts:manage') ? (
        <>
          <TelegramTestPanel />
          <EmailTestPanel />
        </>
      ) : null}
    </div>
  );
}
