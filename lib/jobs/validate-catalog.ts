import { isCategory } from './categories.ts';
import type { JobDefinition } from './define-job.ts';
import { assertValidSchedule } from './schedule.ts';

/** A definition the worker refuses to start with; the message names the job and the problem. */
export class InvalidCatalogError extends Error {
  constructor(readonly problems: string[]) {
    super(`The job catalog is not valid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'InvalidCatalogError';
  }
}

/**
 * Checks every definition: name, category, schedule, window, dependencies (known, no cycle),
 * and that the config schema accepts `{}` (its defaults are the initial config).
 */
export function validateCatalog(jobs: readonly JobDefinition[]): void {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const job of jobs) {
    const where = `job "${job.name}"`;
    if (!/^[a-z][a-z0-9-]{0,62}$/.test(job.name)) problems.push(`${where}: the name must be kebab-case (a-z, 0-9, -)`);
    if (names.has(job.name)) problems.push(`${where}: defined twice`);
    names.add(job.name);
    if (!isCategory(job.category)) problems.push(`${where}: unknown category "${job.category}"`);
    if (job.schedule) {
      try {
        assertValidSchedule(job.schedule);
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
      }
    }
    if (job.window) {
      try {
        assertValidSchedule({ cron: `* ${job.window.hours} * * *`, tz: job.window.tz });
      } catch {
        problems.push(`${where}: window hours "${job.window.hours}" are not valid (use e.g. "0-7,19-23")`);
      }
    }
    if (!job.config.safeParse({}).success) problems.push(`${where}: the config schema must give a default for every field`);
  }
  for (const job of jobs) {
    for (const dependency of job.dependsOn) {
      if (!names.has(dependency)) problems.push(`job "${job.name}": depends on unknown job "${dependency}"`);
    }
  }
  const cycle = findCycle(jobs);
  if (cycle) problems.push(`job "${cycle[0]}": dependency cycle ${cycle.join(' → ')}`);
  if (problems.length > 0) throw new InvalidCatalogError(problems);
}

function findCycle(jobs: readonly JobDefinition[]): string[] | null {
  const dependsOn = new Map(jobs.map((job) => [job.name, job.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | null => {
    if (state.get(name) === 'done') return null;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    path.push(name);
    for (const next of dependsOn.get(name) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(name, 'done');
    return null;
  };
  for (const job of jobs) {
    const cycle = visit(job.name);
    if (cycle) return cycle;
  }
  return null;
}

/** The jobs to enqueue when `jobName` succeeds. */
export function dependentsOf(jobs: readonly JobDefinition[], jobName: string): JobDefinition[] {
  return jobs.filter((job) => job.dependsOn.includes(jobName));
}
