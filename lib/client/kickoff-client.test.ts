/**
 * The client without a server: its types (`trigger` takes a catalog job's name and that job's
 * payload; compile-time checks, as tsc runs over tests in `npm test` and a `@ts-expect-error`
 * that no longer errs fails it) and what it pulls in. Its behaviour is tested against a
 * running Kickoff in scripts/cli/kickoff.int.test.ts.
 */
import { build } from 'esbuild';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { JobCatalog } from '../jobs/catalog.ts';
import { defineJob } from '../jobs/define-job.ts';
import { KickoffClient, type KickoffTriggerResult, type TriggerArguments, type TriggerOptions } from './kickoff-client.ts';

describe('KickoffClient without a server', () => {
  it("types trigger's payload by the job's schema input", () => {
    expectTypeOf<TriggerArguments<JobCatalog['probe']>>().toEqualTypeOf<[payload?: { sleepMs?: number; fail?: boolean; steps?: number }, options?: TriggerOptions]>();
    const _needsId = defineJob({ name: 'needs-id', category: 'diagnostics', description: 'fixture', payload: z.object({ id: z.number(), note: z.string().optional() }) });
    expectTypeOf<TriggerArguments<typeof _needsId>>().toEqualTypeOf<[payload: { id: number; note?: string }, options?: TriggerOptions]>();
  });

  it('refuses unknown jobs and payloads that do not fit, at compile time', () => {
    // Never called: the lines below are checked by tsc only.
    const calls = (client: KickoffClient) => [
      client.trigger('probe'),
      client.trigger('probe', { sleepMs: 10, steps: 2 }, { requestId: 'deploy-42' }),
      client.trigger('cleanup', {}),
      // @ts-expect-error: not a job in the catalog
      client.trigger('no-such-job'),
      // @ts-expect-error: sleepMs is a number
      client.trigger('probe', { sleepMs: '10' }),
      // @ts-expect-error: probe has no field `sleep`
      client.trigger('probe', { sleep: 10 }),
      // @ts-expect-error: cleanup takes no fields
      client.trigger('cleanup', { dryRun: true }),
      // Names known only at run time go through triggerUnchecked (the server checks them).
      client.triggerUnchecked(String('probe'), { anything: true }),
    ];
    expectTypeOf(calls).returns.toEqualTypeOf<Promise<KickoffTriggerResult>[]>();
  });

  it('refuses a URL that is not http(s) when constructed', () => {
    expect(() => new KickoffClient({ url: 'localhost:3000' })).toThrow('"localhost:3000" is not an http(s) URL such as http://localhost:3000');
    expect(new KickoffClient({ url: 'https://ops.example.com/kickoff/' }).url).toBe('https://ops.example.com/kickoff');
  });

  it('bundles for a browser on its own: no Node built-ins, no server code, only zod and run-state from lib/', async () => {
    const root = new URL('../..', import.meta.url).pathname;
    const result = await build({ entryPoints: ['lib/client/kickoff-client.ts'], absWorkingDir: root, bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => !input.startsWith('node_modules/zod/')).sort()).toEqual([
      'lib/client/kickoff-api-schemas.ts',
      'lib/client/kickoff-client-errors.ts',
      'lib/client/kickoff-client.ts',
      'lib/jobs/run-state.ts',
    ]);
    expect(inputs.some((input) => input.startsWith('node_modules/zod/'))).toBe(true);
  });
});
