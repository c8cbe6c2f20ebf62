import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from './define-job.ts';
import { dependentsOf, validateCatalog } from './validate-catalog.ts';

const job = (name: string, extra: Partial<Parameters<typeof defineJob>[0]> = {}) =>
  defineJob({ name, category: 'diagnostics', description: name, payload: z.object({}), ...extra });

describe('validateCatalog', () => {
  it('accepts a valid catalog and finds dependents', () => {
    const jobs = [job('a'), job('b', { dependsOn: ['a'] }), job('c', { dependsOn: ['b'], schedule: { cron: '@daily', tz: 'Europe/London' } })];
    expect(() => validateCatalog(jobs)).not.toThrow();
    expect(dependentsOf(jobs, 'a').map((j) => j.name)).toEqual(['b']);
  });

  it('names the job and the problem for each invalid definition', () => {
    const jobs = [
      job('bad-category', { category: 'nope' as never }),
      job('bad-cron', { schedule: { cron: '99 * * * *' } }),
      job('bad-tz', { schedule: { cron: '@daily', tz: 'Nowhere/City' } }),
      job('orphan', { dependsOn: ['missing'] }),
      job('x', { dependsOn: ['y'] }),
      job('y', { dependsOn: ['x'] }),
      job('strict-config', { config: z.object({ limit: z.number() }) }),
    ];
    let message = '';
    try {
      validateCatalog(jobs);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('job "bad-category": unknown category "nope"');
    expect(message).toMatch(/job "bad-cron": cron "99 \* \* \* \*" is not valid/);
    expect(message).toContain('job "bad-tz": unknown timezone "Nowhere/City"');
    expect(message).toContain('job "orphan": depends on unknown job "missing"');
    expect(message).toMatch(/dependency cycle (x → y → x|y → x → y)/);
    expect(message).toContain('job "strict-config": the config schema must give a default for every field');
  });
});
