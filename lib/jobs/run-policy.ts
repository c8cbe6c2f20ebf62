/**
 * The run policy: whether a run may be made, and whether it may start. Stated once, here, and
 * applied twice: by the run pipeline when a run is asked for (`lib/runs/create-runs.ts`) and
 * by the worker's gate before an attempt starts (`worker/run-gate.ts`), so a switch means the
 * same thing on every path. Pure: the callers read the settings and the job's switches.
 *
 * Glossary
 * - asker: who wants the run. `person`: someone in the dashboard or a service with an API key
 *   (Run now, the API trigger, retry, bulk retry); `schedule`: a job scheduler's fire;
 *   `system`: a run Kickoff makes itself (a database event, a dependency, the start-up fill).
 * - stage: `request` when the run is asked for; `start` when a worker is about to run it.
 * - verdict: `allow`; `refuse` (the person gets 409 with the reason, nothing is written);
 *   `skip` (the run is recorded `skipped` with the reason, the handler never runs); `hold`
 *   (the run is queued, or stays queued, and waits; the gate looks again).
 *
 * The rules, in the order they are checked (DESIGN.md, "Run policy"):
 *
 * | rule                              | person (request) | schedule       | system (event, dependency, fill) |
 * | --------------------------------- | ---------------- | -------------- | -------------------------------- |
 * | Kickoff paused                    | refuse `paused`  | skip           | hold: queued, starts on resume   |
 * | trigger source off (manual/api/…) | refuse           | skip           | not affected                     |
 * | job disabled                      | refuse           | skip           | skip                             |
 * | job paused until a time           | refuse           | skip           | skip                             |
 * | the job's own policy hook         | refuse           | skip           | skip                             |
 * | exclusive job already running     | refuse + holder  | skip           | coalesced into one follow-up     |
 *
 * At the start stage nobody is there to refuse: what the request stage would refuse is
 * skipped with the reason, except that a person's run is not stopped because a trigger source
 * was switched off after it was accepted (it was asked for while it was allowed), and every run
 * waits (`hold`) while Kickoff is paused, a person's included. A later attempt of a run that already started (a retry after backoff,
 * a stalled run re-run) is only held while paused; the other switches are for new work.
 * The cooldown and hourly limits are people's (sessions) and checked by the pipeline only.
 */
import type { Settings } from '../settings.ts';
import type { RunTrigger } from './run-state.ts';

export type Asker = 'person' | 'schedule' | 'system';
export type PolicyStage = 'request' | 'start';
/** Which trigger-source switch a person's request answers to: the dashboard's or the API's. */
export type Via = 'manual' | 'api';

export type Verdict =
  | { kind: 'allow' }
  | { kind: 'refuse'; code: RefusalCode; reason: string }
  | { kind: 'skip'; reason: string }
  | { kind: 'hold'; reason: string };

/** Why a person was refused; a job's own hook may name its own code. */
export type RefusalCode = 'paused' | 'triggers_off' | 'job_disabled' | 'job_paused' | 'job_policy' | (string & {});

/** What a job's own policy hook sees. */
export interface JobPolicyContext<TPayload = unknown> {
  /** The payload as the job's schema parsed it. */
  payload: TPayload;
  settings: Settings;
  asker: Asker;
}

/**
 * A job's own switch, declared in its definition (`defineJob({ policy })`): a reason the run
 * must not happen now (optionally with the error code people are refused with; default
 * `job_policy`), or null. Called on every path, retries included.
 */
// Method syntax keeps the hook bivariant in its payload, so a definition with a specific
// payload schema still is a `JobDefinition` (as React's types do for event handlers).
export type JobPolicyHook<TPayload = unknown> = { hook(context: JobPolicyContext<TPayload>): string | { code: string; reason: string } | null }['hook'];

export interface PolicyInput {
  stage: PolicyStage;
  asker: Asker;
  /** For a person: the switch their request answers to. */
  via?: Via;
  settings: Settings;
  /** The job's run-time switches, as PostgreSQL holds them (a job not yet synced: enabled). */
  job: { name: string; enabled: boolean; pausedUntil: Date | null };
  /** The job's own hook and the parsed payload it judges. */
  hook?: JobPolicyHook | null;
  payload?: unknown;
  /** At the start stage: a later attempt of a run that already started. */
  laterAttempt?: boolean;
  now?: Date;
}

export const pausedReason = 'Kickoff is paused: no runs start until an admin resumes it';

const sourceNames = { schedule: 'Scheduled runs', manual: 'Manual triggers', api: 'API triggers' } as const;

/** The asker behind a run's trigger: manual, api and retry are people; event and dependency the system. */
export function askerOf(trigger: RunTrigger): Asker {
  if (trigger === 'schedule') return 'schedule';
  if (trigger === 'event' || trigger === 'dependency') return 'system';
  return 'person';
}

/** Applies the rules above, in order; the first that has something to say decides. */
export function decide(input: PolicyInput): Verdict {
  const { stage, asker, settings } = input;
  const now = input.now ?? new Date();

  if (settings['engine.paused']) {
    if (asker === 'schedule' && !input.laterAttempt) return { kind: 'skip', reason: pausedReason };
    if (asker === 'person' && stage === 'request') return { kind: 'refuse', code: 'paused', reason: pausedReason };
    return { kind: 'hold', reason: pausedReason };
  }
  if (input.laterAttempt) return { kind: 'allow' };

  if (asker === 'schedule' && !settings['triggers.schedule']) return { kind: 'skip', reason: `${sourceNames.schedule} are switched off in Settings` };
  if (asker === 'person' && stage === 'request' && input.via && !settings[`triggers.${input.via}`]) {
    return { kind: 'refuse', code: 'triggers_off', reason: `${sourceNames[input.via]} are switched off in Settings` };
  }

  const switchedOff = jobSwitchReason(input, now);
  if (switchedOff) {
    return asker === 'person' && stage === 'request' ? { kind: 'refuse', code: switchedOff.code, reason: switchedOff.reason } : { kind: 'skip', reason: switchedOff.reason };
  }
  return { kind: 'allow' };
}

function jobSwitchReason(input: PolicyInput, now: Date): { code: RefusalCode; reason: string } | null {
  const { name, enabled, pausedUntil } = input.job;
  if (!enabled) return { code: 'job_disabled', reason: `Job "${name}" is disabled; enable it to run it` };
  if (pausedUntil && pausedUntil.getTime() > now.getTime()) {
    return { code: 'job_paused', reason: `Job "${name}" is paused until ${pausedUntil.toISOString()}` };
  }
  const hooked = input.hook?.({ payload: input.payload, settings: input.settings, asker: input.asker });
  if (!hooked) return null;
  return typeof hooked === 'string' ? { code: 'job_policy', reason: hooked } : hooked;
}

/** What an exclusive job's run does when another run of the job holds its lock. */
export type ExclusiveOutcome = 'refuse' | 'skip' | 'coalesce' | 'wait';

/**
 * People are refused (409 with the holder) when they ask, and a scheduled fire is skipped; a
 * run the system makes is coalesced into one follow-up run. At the start stage everything but
 * a scheduled fire waits for the holder to end.
 */
export function exclusiveOutcome(stage: PolicyStage, asker: Asker): ExclusiveOutcome {
  if (asker === 'schedule') return 'skip';
  if (stage === 'start') return 'wait';
  return asker === 'person' ? 'refuse' : 'coalesce';
}

export const alreadyRunningReason = (holder: string | null) => `Already running (run ${holder ?? 'unknown'})`;
