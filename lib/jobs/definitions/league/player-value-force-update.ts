import { z } from 'zod';
import { defineJob } from '../../define-job.ts';

/**
 * Manual only (Letletme, Manual Job Triggers §3.A.2, "Player Value Force Update"): the players'
 * prices from bootstrap-static now, without waiting for the daily bootstrap-meta. Checked for
 * consistency first like the meta syncs; then only prices that differ are written (players the
 * Player table does not know yet are left for bootstrap-meta and counted), and the changed
 * players' cache keys are dropped. Critical, and may run beside anything, itself included (it
 * writes one column, the same value whoever writes it); the specified 1-minute lock is its
 * time limit.
 */
export const playerValueForceUpdateJob = defineJob({
  name: 'player-value-force-update',
  category: 'meta',
  description: "Refreshes the players' prices from bootstrap-static now; writes only the prices that changed.",
  priority: 'critical',
  timeoutMs: 60_000,
  payload: z.object({}).strict(),
});
