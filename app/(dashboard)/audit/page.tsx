import type { Metadata } from 'next';
import { AuditTable } from '@/components/audit/audit-table.tsx';
import { roleAllows } from '@/lib/auth/permissions.ts';
import { requirePrincipal } from '../../_lib/session.ts';

export const metadata: Metadata = { title: 'Audit log' };

export default async function AuditPage() {
  const principal = await requirePrincipal();
  return (
    <div>
      <h1 className="mb-4 text-xl font-semibold">Audit log</h1>
      {roleAllows(principal.role, 'audit:read') ? <AuditTable /> : <p className="text-sm text-muted">Only admins can read the audit log.</p>}
    </div>
  );
}
