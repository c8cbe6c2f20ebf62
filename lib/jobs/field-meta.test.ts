import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { allJobs } from './catalog.ts';
import './field-meta.ts';

/** What the dashboard's forms read: the JSON Schema the worker stores (worker/catalog-sync.ts). */
const propertiesOf = (schema: z.ZodType) => (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, Record<string, unknown>> }).properties ?? {};

describe('job fields', () => {
  it('every payload and config field of every job has a label and help text', () => {
    const missing: string[] = [];
    for (const job of allJobs()) {
      for (const [part, schema] of [['payload', job.payload], ['config', job.config]] as const) {
        for (const [key, field] of Object.entries(propertiesOf(schema))) {
          if (typeof field.title !== 'string' || !field.title) missing.push(`${job.name} ${part}.${key}: title`);
          if (typeof field.description !== 'string' || !field.description) missing.push(`${job.name} ${part}.${key}: description`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('carries the unit of a duration into the schema the form reads', () => {
    const probe = allJobs().find((job) => job.name === 'probe')!;
    expect(propertiesOf(probe.payload).sleepMs).toMatchObject({ title: 'Time to spend', unit: 'ms', editAs: 'seconds', default: 0 });
  });
});
