import type { Metadata } from 'next';
import { RunsTable } from '@/components/runs/runs-table.tsx';
import { roleAllows } from '@/lib/auth/permissions.ts';
import { requirePrincipal } from '../../_lib/session.ts';

export const metadata: Metadata = { title: 'Runs' };

export default async function RunsPage() {
  const principal = await requirePrincipal();
  return (
    <div>
      <h1 className="mb-4 text-xl font-semibold">Runs</h1>
      <RunsTable inUrl canRetry={roleAllows(principal.role, 'runs:retry')} canCancel={roleAllows(principal.role, 'runs:cancel')} />
    </div>
  );
}
