import type { ConfigOf, JobDefinition, PayloadOf } from '@/lib/jobs/define-job.ts';
import type { RunContext } from './run-context.ts';

/** A job's contract with the code that runs it. */
export interface JobHandler<TJob extends JobDefinition = JobDefinition> {
  job: TJob;
  run(ctx: RunContext<PayloadOf<TJob>, ConfigOf<TJob>>): Promise<unknown>;
}

/** Attaches a handler to a job definition; `ctx.payload` and `ctx.config` are typed from its schemas. */
export function defineHandler<TJob extends JobDefinition>(
  job: TJob,
  run: (ctx: RunContext<PayloadOf<TJob>, ConfigOf<TJob>>) => Promise<unknown>,
): JobHandler<TJob> {
  return { job, run };
}
