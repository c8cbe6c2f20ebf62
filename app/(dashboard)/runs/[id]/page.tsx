import type { Metadata } from 'next';
import { RunDetail } from '@/components/runs/run-detail.tsx';
import { roleAllows } from '@/lib/auth/permissions.ts';
import { requirePrincipal } from '../../../_lib/session.ts';

export const metadata: Metadata = { title: 'Run' };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const [{ id }, principal] = await Promise.all([params, requirePrincipal()]);
  return <RunDetail id={decodeURIComponent(id)} canRetry={roleAllows(principal.role, 'runs:retry')} canCancel={roleAllows(principal.role, 'runs:cancel')} />;
}
