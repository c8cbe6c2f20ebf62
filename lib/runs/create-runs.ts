/**
 * The run pipeline: every run Kickoff makes outside a job scheduler's fire comes to exist here
 * — Run now, the API trigger, retry, bulk retry, "Update stats", a dependency, a database
 * event, the start-up fill. (A scheduled fire is made by BullMQ; the worker's gate applies the
 * same policy to it before it starts.) Each step once, in this order, for a list of requests:
 *
 * 1. resolve the job (404), the caller's grant (403), the override (admins only, 403);
 * 2. parse the payload with the job's schema, once (422; the parsed value travels on);
 * 3. idempotency: a `requestId` seen before returns the earlier run (`created: false`) before
 *    anything else is spent;
 * 4. policy (`lib/jobs/run-policy.ts`): refused (409 with the reason), recorded `skipped`, or
 *    queued (held while Kickoff is paused);
 * 5. limits, for people signed in (429 with `Retry-After`; admins may override);
 * 6. exclusivity: a person is refused while the job runs (409 with the holder's run id); a
 *    run the system asks for is coalesced into one follow-up run that waits for the holder;
 * 7. the rows (one statement) and the BullMQ jobs (one bulk add per queue);
 * 8. the audit log, for people.
 *
 * Callers only say who is asking, for which job, with what, and from where.
 */
import { randomUUID } from 'node:crypto';
import type { JobRun } from '@/generated/prisma/client.ts';
import { recordAudits, type AuditActor, type AuditEntry } from '../audit.ts';
import { assertMayActOnJob } from '../auth/grants.ts';
import { db } from '../db.ts';
import { ConflictError, ForbiddenError, KickoffError, NotFoundError, ServiceUnavailableError, ValidationError } from '../errors.ts';
import { findJob, type JobCatalog, type JobName } from '../jobs/catalog.ts';
import type { JobDefinition, PayloadInput } from '../jobs/define-job.ts';
import { decide, exclusiveOutcome, type Asker, type Via } from '../jobs/run-policy.ts';
import type { RunTrigger } from '../jobs/run-state.ts';
import { logger } from '../logger.ts';
import { enqueueRuns } from '../queue/enqueue-runs.ts';
import { readSettings } from '../settings.ts';
import { claimFollowUp, holderOf } from './exclusive-job.ts';
import { insertRuns, noteOnRun, removeUnqueued, type NewRun } from './run-store.ts';
import { limitsApplyTo, spendTriggerLimits } from './trigger-limits.ts';

/** Who is asking. */
export type Requester =
  | {
      kind: 'person';
      actor: AuditActor;
      /** Admins only: past the cooldown and hourly limits (the audit log says so). */
      override?: boolean;
    }
  | {
      kind: 'system';
      trigger: Extract<RunTrigger, 'event' | 'dependency'>;
      /** Who, for the run's `actor`: `database`, `worker`, `dependency:<job>`. */
      actor: string;
    };

/** A job's payload as callers write it: typed by the definition for catalog jobs. */
export type PayloadFor<N extends string> = N extends JobName ? PayloadInput<JobCatalog[N]> : unknown;

/** One run asked for. */
export interface RunRequest<N extends string = string> {
  job: N;
  /** Validated with the job's payload schema; a payload that fails is never queued. Default: `{}`. */
  payload?: PayloadFor<N>;
  /** The same requestId twice for one job yields one run. Default: none (every request is new). */
  requestId?: string;
  /** Where from, as a label (`post-match`, `deploy`). Default: `dashboard` for a person signed in, `api` for a key. */
  source?: string;
  /** Makes this a retry (trigger `retry`) of that run. */
  retryOf?: string;
  /** For a dependency: the run whose success caused this one. */
  causedBy?: string;
  /** "Run again" from a run's page: the run this one replays (a new run like "Run now", not a retry). */
  replayOf?: string;
}

export interface CreatedRun {
  run: JobRun;
  /**
   * False when no new run was made: the requestId matched an earlier run, or (for a run the
   * system asked for) the request joined the follow-up run already waiting for the holder.
   */
  created: boolean;
  /** Set when the request joined a waiting follow-up run of an exclusive job. */
  coalesced?: true;
}

export type RunOutcome = ({ ok: true } & CreatedRun) | { ok: false; error: KickoffError };

/** Asks for one run; throws the refusal. */
export async function createRun<N extends string>(requester: Requester, request: RunRequest<N>): Promise<CreatedRun> {
  const [outcome] = await createRuns(requester, [request]);
  if (!outcome!.ok) throw outcome!.error;
  return outcome!;
}

interface Pending {
  index: number;
  request: RunRequest;
  job: JobDefinition;
  payload: unknown;
  trigger: RunTrigger;
  row?: NewRun;
}

/** Asks for many runs at once; answers per request, in order (one refused does not stop the others). */
export async function createRuns(requester: Requester, requests: readonly RunRequest[]): Promise<RunOutcome[]> {
  const outcomes: (RunOutcome | undefined)[] = requests.map(() => undefined);
  const refuse = (item: { index: number }, error: KickoffError) => (outcomes[item.index] = { ok: false, error });
  const person = requester.kind === 'person' ? requester : null;
  const via: Via | undefined = person ? (person.actor.principal.type === 'user' ? 'manual' : 'api') : undefined;
  const asker: Asker = person ? 'person' : 'system';

  if (person?.override && person.actor.principal.role !== 'admin') {
    return requests.map(() => ({ ok: false, error: new ForbiddenError('Only admins may override the trigger limits') }));
  }

  // 1–2. Resolve the job and the grant, parse the payload.
  let pending: Pending[] = [];
  requests.forEach((request, index) => {
    const job = findJob(request.job);
    if (!job) return refuse({ index }, new NotFoundError('Job', request.job));
    if (person) {
      try {
        assertMayActOnJob(person.actor.principal, job);
      } catch (error) {
        return refuse({ index }, error as KickoffError);
      }
    }
    const parsed = job.payload.safeParse(request.payload ?? {});
    if (!parsed.success) return refuse({ index }, ValidationError.fromZod(parsed.error, `The payload does not fit job "${job.name}"`));
    const trigger: RunTrigger = requester.kind === 'system' ? requester.trigger : request.retryOf ? 'retry' : via!;
    pending.push({ index, request, job, payload: parsed.data, trigger });
  });

  // 3. Idempotency, before any limit is spent.
  const repeats = await answerRepeats(pending, outcomes);
  pending = repeats.rest;

  // 4. Policy.
  if (pending.length > 0) {
    const settings = await readSettings(db());
    const switches = new Map(
      (await db().jobDefinition.findMany({ where: { name: { in: [...new Set(pending.map((item) => item.job.name))] } }, select: { name: true, enabled: true, pausedUntil: true } })).map(
        (row) => [row.name, row],
      ),
    );
    const accepted: Pending[] = [];
    for (const item of pending) {
      const verdict = decide({
        stage: 'request',
        asker,
        via,
        settings,
        job: switches.get(item.job.name) ?? { name: item.job.name, enabled: true, pausedUntil: null },
        hook: item.job.policy,
        payload: item.payload,
      });
      if (verdict.kind === 'refuse') refuse(item, new ConflictError(verdict.code, verdict.reason));
      else if (verdict.kind === 'skip') accepted.push({ ...item, row: newRow(item, requester, 'skipped', verdict.reason) });
      else accepted.push(item);
    }
    pending = accepted;

    // 5. Limits, for people signed in; an admin's override is recorded in the audit log.
    if (person && !person.override && limitsApplyTo(person.actor.principal)) {
      const limited = pending.filter((item) => !item.row);
      const refusals = await spendTriggerLimits(person.actor.principal, limited.map((item) => item.job.name), settings);
      const refused = new Set<Pending>();
      limited.forEach((item, position) => {
        const refusal = refusals[position];
        if (refusal) {
          refuse(item, refusal);
          refused.add(item);
        }
      });
      pending = pending.filter((item) => !refused.has(item));
    }
  }

  // 6. Exclusivity.
  const holders = new Map<string, string | null>();
  for (const job of new Set(pending.filter((item) => item.job.exclusive && !item.row).map((item) => item.job))) holders.set(job.name, await holderOf(job.name));
  const toQueue: Pending[] = [];
  const followUps: { item: Pending; holder: string }[] = [];
  const followUpNotes = new Map<string, string>();
  for (const item of pending) {
    const holder = item.row ? null : holders.get(item.job.name);
    if (!holder) {
      toQueue.push(item);
      continue;
    }
    const outcome = exclusiveOutcome('request', asker);
    if (outcome === 'refuse') refuse(item, new ConflictError('already_running', `Job "${item.job.name}" is exclusive and already running`, { runId: holder }));
    else followUps.push({ item, holder });
  }
  // Several requests of one batch for the same exclusive job join the first one's follow-up.
  const batchFollowUp = new Map<string, Pending>();
  const joinedInBatch: [Pending, Pending][] = [];
  for (const { item, holder } of followUps) {
    const first = batchFollowUp.get(item.job.name);
    if (first) {
      joinedInBatch.push([item, first]);
      continue;
    }
    const claim = await claimFollowUp(item.job);
    if (claim.kind === 'join') {
      await noteOnRun(claim.run.id, `Also covers a request from ${askedBy(item)}`, { requestId: item.request.requestId ?? null, source: item.request.source ?? null });
      outcomes[item.index] = { ok: true, run: claim.run, created: false, coalesced: true };
    } else {
      const followUp = { ...item, row: { ...newRow(item, requester, 'queued'), id: claim.runId } };
      toQueue.push(followUp);
      batchFollowUp.set(item.job.name, followUp);
      followUpNotes.set(claim.runId, `Waits for run ${holder} to end: ${item.job.name} is exclusive and was running when ${askedBy(item)} asked`);
    }
  }

  // 7. Rows, then BullMQ jobs.
  const rows = toQueue.map((item) => (item.row ??= newRow(item, requester, 'queued')));
  const inserted = new Map((await insertRuns(rows)).map((run) => [run.id, run]));
  const raced = toQueue.filter((item) => !inserted.has(item.row!.id));
  // A row not written lost a race on its requestId: answer with the run that won.
  if (raced.length > 0) await answerRepeats(raced, outcomes);

  const created = toQueue.filter((item) => inserted.has(item.row!.id));
  const queued = created.filter((item) => item.row!.status === 'queued');
  try {
    await enqueueRuns(queued.map((item) => ({ job: item.job, run: { ...inserted.get(item.row!.id)!, payload: item.payload } })));
  } catch (error) {
    logger.error({ err: error, runs: queued.length }, 'could not add runs to their queues');
    await removeUnqueued(queued.map((item) => item.row!.id)).catch(() => {});
    for (const item of queued) refuse(item, new ServiceUnavailableError('The queue (Redis) is unreachable; the run was not queued'));
  }
  for (const item of created) {
    if (outcomes[item.index]) continue;
    outcomes[item.index] = { ok: true, run: inserted.get(item.row!.id)!, created: true };
    const note = followUpNotes.get(item.row!.id);
    if (note) await noteOnRun(item.row!.id, note).catch(() => {});
  }
  // The same requestId twice in one batch: the second is answered with the first's run.
  for (const [repeat, first] of repeats.sameAs) {
    const outcome = outcomes[first.index];
    outcomes[repeat.index] = outcome?.ok ? { ...outcome, created: false } : outcome;
  }
  for (const [joiner, first] of joinedInBatch) {
    const outcome = outcomes[first.index];
    if (outcome?.ok) await noteOnRun(outcome.run.id, `Also covers a request from ${askedBy(joiner)}`, { requestId: joiner.request.requestId ?? null, source: joiner.request.source ?? null }).catch(() => {});
    outcomes[joiner.index] = outcome?.ok ? { ...outcome, created: false, coalesced: true } : outcome;
  }

  // 8. Audit.
  if (person) {
    const entries = created.flatMap((item): AuditEntry[] => {
      const outcome = outcomes[item.index];
      if (!outcome?.ok) return [];
      const run = outcome.run;
      const override = person.override && limitsApplyTo(person.actor.principal) ? { overrideLimits: true } : {};
      return item.request.retryOf
        ? [{ action: 'run.retry', targetType: 'run', targetId: item.request.retryOf, details: { newRunId: run.id, jobName: run.jobName, ...override } }]
        : [{ action: 'job.trigger', targetType: 'job', targetId: run.jobName, details: { runId: run.id, payload: run.payload, ...override } }];
    });
    await recordAudits(person.actor, entries);
  }
  return outcomes.map((outcome) => outcome ?? { ok: false, error: new ServiceUnavailableError('The run was not made') });
}

/**
 * Answers the requests whose requestId already has a run; returns the others, and the repeats
 * of a requestId within the batch (answered later with the first's outcome).
 */
async function answerRepeats(items: Pending[], outcomes: (RunOutcome | undefined)[]): Promise<{ rest: Pending[]; sameAs: [Pending, Pending][] }> {
  const keyed = items.filter((item) => item.request.requestId);
  if (keyed.length === 0) return { rest: items, sameAs: [] };
  // Two lists, not one OR per request: a bulk trigger's 1 000 ORs took the query builder seconds.
  // The rows come back as a superset (another job's run with the same requestId) and are matched by key.
  const earlier = await db().jobRun.findMany({
    where: { jobName: { in: [...new Set(keyed.map((item) => item.job.name))] }, requestId: { in: [...new Set(keyed.map((item) => item.request.requestId!))] } },
  });
  const byKey = new Map(earlier.map((run) => [`${run.jobName}\u0000${run.requestId}`, run]));
  const firstInBatch = new Map<string, Pending>();
  const rest: Pending[] = [];
  const sameAs: [Pending, Pending][] = [];
  for (const item of items) {
    const key = `${item.job.name}\u0000${item.request.requestId ?? ''}`;
    const run = item.request.requestId ? byKey.get(key) : undefined;
    if (run) {
      outcomes[item.index] = { ok: true, run, created: false };
      continue;
    }
    // The same requestId twice in one batch: the first makes the run, the second is answered with it.
    const first = item.request.requestId ? firstInBatch.get(key) : undefined;
    if (first) {
      sameAs.push([item, first]);
      continue;
    }
    if (item.request.requestId) firstInBatch.set(key, item);
    rest.push(item);
  }
  return { rest, sameAs };
}

function newRow(item: Pending, requester: Requester, status: NewRun['status'], reason?: string): NewRun {
  const principal = requester.kind === 'person' ? requester.actor.principal : null;
  return {
    id: randomUUID(),
    jobName: item.job.name,
    status,
    trigger: item.trigger,
    source: item.request.source ?? (principal ? (principal.type === 'user' ? 'dashboard' : 'api') : null),
    actor: principal ? principal.label : requester.kind === 'system' ? requester.actor : null,
    requestId: item.request.requestId ?? null,
    payload: item.payload,
    maxAttempts: item.job.retry.attempts,
    priority: item.job.priority,
    retryOf: item.request.retryOf ?? null,
    causedBy: item.request.causedBy ?? null,
    replayOf: item.request.replayOf ?? null,
    reason,
  };
}

function askedBy(item: Pending): string {
  return item.request.source ?? item.trigger;
}
