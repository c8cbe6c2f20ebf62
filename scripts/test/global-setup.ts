import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { createTestDatabase, createTestPrefix, dropTestResources } from './test-resources.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    queuePrefix: string;
  }
}

/** One database and one Redis key prefix for the whole vitest run, removed afterwards. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = await createTestDatabase(`kickoff_test_${suffix}`);
  const queuePrefix = createTestPrefix(suffix);
  project.provide('databaseUrl', databaseUrl);
  project.provide('queuePrefix', queuePrefix);
  return () => dropTestResources(databaseUrl, queuePrefix);
}
