import { probeJob } from '@/lib/jobs/definitions/probe.ts';
import { defineHandler } from '../../define-handler.ts';
import { sleep } from '../../run-context.ts';

export class ProbeFailure extends Error {
  override name = 'ProbeFailure';
}

export const probeHandler = defineHandler(probeJob, async (ctx) => {
  const { sleepMs, steps, fail } = ctx.payload;
  const stepMs = sleepMs / steps;
  for (let step = 1; step <= steps; step += 1) {
    if (stepMs > 0) await sleep(stepMs, ctx.signal);
    ctx.count('steps');
    ctx.progress(Math.round((step / steps) * 100));
    // A line per step, so a running probe shows log lines arriving (the run page, `kickoff logs --follow`).
    ctx.log(`step ${step} of ${steps}`, { step });
  }
  if (fail) throw new ProbeFailure(`Probe failed on request after ${steps} step(s)`);
  return { steps, sleptMs: sleepMs };
});
