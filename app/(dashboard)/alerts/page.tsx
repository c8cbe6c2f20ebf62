import type { Metadata } from 'next';
import { Panel } from '@/components/ui/panel.tsx';
import { requirePrincipal } from '../../_lib/session.ts';

export const metadata: Metadata = { title: 'Alerts' };

export default async function AlertsPage() {
  await requirePrincipal();
  return (
    <div className="max-w-3xl">
      <h1 className="mb-4 text-xl font-semibold">Alerts</h1>
      <Panel title="Alert rules">
        <div className="px-4 py-10 text-center">
          <p className="text-sm font-medium">Alert rules are not built yet</p>
          <p className="mt-1 text-sm text-slate-500">Failures, long runs and missed schedules will be sent to Telegram from here. Until then, watch the Overview’s recent failures.</p>
        </div>
      </Panel>
    </div>
  );
}
