import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '@/lib/db.ts';
import type { JobDefinition } from '@/lib/jobs/define-job.ts';
import { alreadyRunningReason, askerOf, decide, exclusiveOutcome } from '@/lib/jobs/run-policy.ts';
import { describeHours, describeMoment, isWithinWindow } from '@/lib/jobs/schedule.ts';
import type { RedisLock } from '@/lib/locks/redis-lock.ts';
import { isLaterAttempt, type RunJobData } from '@/lib/queue/run-job-data.ts';
import { kickoffKeys } from '@/lib/redis-keys.ts';
import { jobLock, releaseFollowUp } from '@/lib/runs/exclusive-job.ts';
import { readSettings } from '@/lib/settings.ts';
import type { CancelChannel } from './cancel-channel.ts';
import type { JobHandler } from './define-handler.ts';
import type { JobStateCache } from './job-state-cache.ts';
import { failedPreRunChecks } from './pre-run-checks.ts';

/** What the gate says about a run BullMQ handed this worker. */
export type GateDecision =
  | {
      kind: 'go';
      /** The payload as the job's schema parsed it (parsed once here; the handler gets this value). */
      payload: unknown;
      /** Set when the payload does not fit the schema: the attempt fails at once, unrecoverably. */
      payloadError?: string;
      config: unknown;
      /** The exclusive job's lock, taken for this run (renewed while it runs, released after). */
      lock: RedisLock | null;
    }
  | { kind: 'end'; status: 'skipped' | 'cancelled'; reason: string }
  /** Not yet: put the run back as delayed and look again. `hold`: Kickoff is paused; `wait`: the exclusive holder runs. */
  | { kind: 'later'; why: 'hold' | 'wait'; delayMs: number; reason: string };

/** An exclusive run waiting for its holder looks again this often. */
const lockRetryMs = 1_000;
/** A run held while Kickoff is paused looks again after 1 s, 2 s, 4 s … up to this (and at once on resume). */
const maxHoldMs = 30_000;

/**
 * The worker's check before an attempt starts: the run policy once more (lib/jobs/run-policy.ts,
 * stage `start`), then a scheduled fire's window and condition, then the handler's pre-run
 * checks (worker/pre-run-checks.ts), then the exclusive lock. Also the one place a run's
 * payload is parsed in the worker.
 */
export class RunGate {
  /** How often each run has been held in this worker, for the growing hold. */
  private readonly holds = new Map<string, number>();

  constructor(
    private readonly options: { db: Db; redis: Redis; prefix: string; cancels: CancelChannel; jobStates: JobStateCache },
  ) {}

  async check(job: Job<RunJobData>, handler: JobHandler | undefined, now: Date): Promise<GateDecision> {
    if (await this.options.cancels.wasCancelled(job)) return { kind: 'end', status: 'cancelled', reason: 'Cancelled before it started' };
    if (!handler) return { kind: 'go', payload: job.data.payload, config: undefined, lock: null };
    const definition: JobDefinition = handler.job;
    const runId = job.id!;
    const asker = askerOf(job.data.trigger);
    const laterAttempt = isLaterAttempt(job);
    const parsed = definition.payload.safeParse(job.data.payload);
    const [settings, state] = await Promise.all([readSettings(this.options.db), this.options.jobStates.get(definition)]);

    const verdict = decide({
      stage: 'start',
      asker,
      settings,
      job: { name: definition.name, enabled: state.enabled, pausedUntil: state.pausedUntil },
      hook: parsed.success ? definition.policy : null,
      payload: parsed.success ? parsed.data : undefined,
      laterAttempt,
      now,
    });
    if (verdict.kind === 'skip') return { kind: 'end', status: 'skipped', reason: verdict.reason };
    if (verdict.kind === 'hold') return this.hold(job, definition, verdict.reason);
    this.holds.delete(runId);

    if (asker === 'schedule' && !laterAttempt && (definition.window || handler.condition)) {
      // Judged by the job's clock when it brings one; the reason names the moment it was judged at.
      const judged = await this.judgedAt(handler, now);
      if ('reason' in judged) return { kind: 'end', status: 'skipped', reason: judged.reason };
      const at = judged.at;
      const tz = definition.window?.tz ?? (definition.schedule && 'cron' in definition.schedule ? definition.schedule.tz : undefined) ?? 'UTC';
      const moment = handler.clock ? `${handler.clock.name} ${describeMoment(at, tz)}` : describeMoment(at, tz);
      if (definition.window && !isWithinWindow(definition.window, at)) {
        return { kind: 'end', status: 'skipped', reason: `Outside ${describeHours(definition.window.hours)} ${definition.window.tz} (${moment})` };
      }
      if (handler.condition) {
        const holds = await handler.condition({ config: state.config, now: at });
        if (holds !== true) {
          const reason = typeof holds === 'string' ? holds : 'Its condition did not hold';
          return { kind: 'end', status: 'skipped', reason: handler.clock ? `${reason} (${moment})` : reason };
        }
      }
    }

    // Before the lock: a run that may not start takes nothing. Not before a later attempt: the
    // run has started, and its retry policy decides what happens to it.
    if (handler.checks && handler.checks.length > 0 && !laterAttempt) {
      const failed = await failedPreRunChecks(handler.checks, { config: state.config, now, redis: this.options.redis, prefix: this.options.prefix });
      if (failed) return { kind: 'end', status: 'skipped', reason: failed };
    }

    let lock: RedisLock | null = null;
    if (definition.exclusive) {
      lock = jobLock(definition.name, this.options.redis, this.options.prefix);
      const taken = await lock.acquire(runId, definition.exclusive.lockTtlMs);
      if (!taken.acquired && taken.holder !== runId) {
        return exclusiveOutcome('start', asker) === 'skip'
          ? { kind: 'end', status: 'skipped', reason: alreadyRunningReason(taken.holder) }
          : { kind: 'later', why: 'wait', delayMs: lockRetryMs, reason: `waiting for run ${taken.holder ?? 'unknown'} to end` };
      }
      await releaseFollowUp(definition.name, runId, this.options.redis, this.options.prefix);
    }

    const payloadError = parsed.success
      ? undefined
      : `Payload does not fit the job's schema: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`;
    return { kind: 'go', payload: parsed.success ? parsed.data : job.data.payload, payloadError, config: state.config, lock };
  }

  private async judgedAt(handler: JobHandler, now: Date): Promise<{ at: Date } | { reason: string }> {
    if (!handler.clock) return { at: now };
    try {
      return { at: await handler.clock.now() };
    } catch (error) {
      return { reason: `Its clock (${handler.clock.name}) could not be read: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /** Holds a run while Kickoff is paused; it is promoted when Kickoff resumes (see `promoteHeld`). */
  private async hold(job: Job<RunJobData>, definition: JobDefinition, reason: string): Promise<GateDecision> {
    const holds = (this.holds.get(job.id!) ?? 0) + 1;
    this.holds.set(job.id!, holds);
    if (this.holds.size > 100_000) this.holds.clear();
    await this.options.redis.sadd(kickoffKeys.heldRuns(this.options.prefix), `${definition.category}/${job.id}`);
    return { kind: 'later', why: 'hold', delayMs: Math.min(maxHoldMs, 1_000 * 2 ** (holds - 1)), reason };
  }
}
