'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { apiFetch } from '../api-client.ts';
import { Button } from '../ui/button.tsx';

/**
 * The cache panel's "Purge" (admins): empties every family of the league cache in Redis and in
 * each process (POST /api/league/cache/purge, audited), says how many keys went, and refreshes
 * the page so what it shows is read afresh.
 */
export function CachePurgeButton() {
  const router = useRouter();
  const [state, setState] = useState<{ busy: boolean; message: string | null; failed: boolean }>({ busy: false, message: null, failed: false });

  async function purge() {
    if (!window.confirm('Empty the league cache in every process? The next reads go to PostgreSQL.')) return;
    setState({ busy: true, message: null, failed: false });
    try {
      const result = await apiFetch<{ removed: Record<string, number> }>('/api/league/cache/purge', { method: 'POST', json: {} });
      const removed = Object.values(result.removed).reduce((sum, count) => sum + count, 0);
      setState({ busy: false, message: `Purged: ${removed} keys removed from Redis`, failed: false });
      router.refresh();
    } catch (error) {
      setState({ busy: false, message: error instanceof Error ? error.message : String(error), failed: true });
    }
  }

  return (
    <span className="flex items-center gap-2" data-testid="cache-purge">
      {state.message ? (
        <span role={state.failed ? 'alert' : 'status'} className={state.failed ? 'text-danger' : ''}>
          {state.message}
        </span>
      ) : null}
      <Button onClick={() => void purge()} disabled={state.busy}>
        {state.busy ? 'Purging…' : 'Purge'}
      </Button>
    </span>
  );
}
