import { z } from 'zod';
import { defineJob } from '../define-job.ts';

/** A self-test: sleeps, reports progress per step, and fails on request. */
export const probeJob = defineJob({
  name: 'probe',
  category: 'diagnostics',
  description: 'Self-test of the engine: sleeps in steps, reports progress, fails on request.',
  priority: 'medium',
  retry: { attempts: 1, backoff: 'none' },
  payload: z
    .object({
      sleepMs: z.number().int().min(0).max(60_000).default(0).meta({ title: 'Time to spend', description: 'Total time to spend, split evenly across the steps.', unit: 'ms', editAs: 'seconds' }),
      fail: z.boolean().default(false).meta({ title: 'Fail at the end', description: 'Throw an error after the last step.' }),
      steps: z.number().int().min(1).max(100).default(1).meta({ title: 'Progress steps', description: 'How many progress steps to report.' }),
    })
    .strict(),
});
