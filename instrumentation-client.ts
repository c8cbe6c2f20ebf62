import { z } from 'zod';

/**
 * Runs in the browser before any page code (Next's instrumentation-client convention).
 * Zod compiles object parsers with `new Function` once a probe says eval is allowed; under
 * Kickoff's content security policy (no 'unsafe-eval', proxy.ts) the probe itself is reported
 * as a violation on every page that builds a schema. Jitless: no probe, no eval. Only here:
 * zod keeps its config on globalThis, so setting it in shared code would also slow the
 * server's validation, where eval is fine.
 */
z.config({ jitless: true });
