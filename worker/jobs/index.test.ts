import { describe, expect, it } from 'vitest';
import { allJobs, jobCatalog, type JobName } from '@/lib/jobs/catalog.ts';
import { handlerMap, handlers, type HandlerMap } from './index.ts';
import { teamsUpdateHandler } from './league/teams-update.ts';

describe('the handler map', () => {
  it('holds one handler for each job of the catalog, under its name, and hands the runner all of them', () => {
    expect(Object.keys(handlerMap).sort()).toEqual(Object.keys(jobCatalog).sort());
    for (const [name, handler] of Object.entries(handlerMap)) expect(handler.job, name).toBe(jobCatalog[name as JobName]);
    expect(handlers.map((handler) => handler.job.name).sort()).toEqual(allJobs().map((job) => job.name).sort());
  });

  // The @ts-expect-error lines are the test: `tsc --noEmit -p .` fails if either map compiles.
  it('is a type error without a handler for a job, or with a handler under another job of the same shape', () => {
    const { probe: _probe, ...withoutProbe } = handlerMap;
    // @ts-expect-error probe has no handler
    const missing: HandlerMap = withoutProbe;
    // @ts-expect-error teams-update's handler under phases-update (both jobs: payload `{}`, no config)
    const swapped: HandlerMap = { ...handlerMap, 'phases-update': teamsUpdateHandler };

    // What the compiler refused is wrong indeed: a job left without a handler, a job run by another's.
    expect(Object.keys(missing)).not.toContain('probe');
    expect(swapped['phases-update'].job.name).toBe('teams-update');
  });
});
