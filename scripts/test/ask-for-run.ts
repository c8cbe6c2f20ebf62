import type { AuditActor } from '@/lib/audit.ts';
import type { Principal } from '@/lib/auth/principal.ts';
import { createRun, createRuns, type CreatedRun, type RunOutcome, type RunRequest } from '@/lib/runs/create-runs.ts';

/** A service with an admin API key: what `POST /api/jobs/:name/trigger` sees (API keys have no cooldown or hourly limit). */
export const testApiKey: Principal = { type: 'apiKey', id: 'test-key', label: 'key:test', role: 'admin', grants: [] };
/** An admin signed in to the dashboard. */
export const testAdmin: Principal = { type: 'user', id: 'test-admin', label: 'admin@test', role: 'admin', grants: [] };

export const asActor = (principal: Principal): AuditActor => ({ principal, requestId: 'test', ip: '127.0.0.1' });

/** Asks the run pipeline for a run as a service with an API key (trigger `api`), as scripts do. */
export function askForRun<N extends string>(job: N, request: Omit<RunRequest<N>, 'job'> = {}): Promise<CreatedRun> {
  return createRun({ kind: 'person', actor: asActor(testApiKey) }, { job, ...request });
}

/** Asks for one run per payload, in one pipeline pass; returns their ids (throws if one was refused). */
export async function askForRuns(job: string, payloads: readonly unknown[]): Promise<string[]> {
  const outcomes: RunOutcome[] = await createRuns({ kind: 'person', actor: asActor(testApiKey) }, payloads.map((payload) => ({ job, payload })));
  return outcomes.map((outcome) => {
    if (!outcome.ok) throw outcome.error;
    return outcome.run.id;
  });
}

/** Asks as a person in the dashboard (trigger `manual`), past the limits (an admin's override). */
export function askForRunInDashboard<N extends string>(job: N, request: Omit<RunRequest<N>, 'job'> = {}): Promise<CreatedRun> {
  return createRun({ kind: 'person', actor: asActor(testAdmin), override: true }, { job, ...request });
}
