/**
 * `npm test`: lint and type check, the production build, the vitest suites (unit and
 * integration, against real PostgreSQL and Redis; the CLI's against the built app), the fault
 * suite (workers killed, Redis restarted, PostgreSQL cut, Redis Cluster) and the Playwright
 * suite (Debian's Chromium against the production build and a real worker). Ends with one line `N passed, N failed` counting both.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from '../lib/env.ts';
import { ensureBuilt } from './lib/build.ts';
import { exited, startLabelled } from './lib/labelled-process.ts';
import { preflight } from './lib/preflight.ts';
import { generateClient } from './lib/prisma-engine.ts';

const root = new URL('..', import.meta.url).pathname;
const results = join(root, 'test-results');
const only = process.argv[2] as 'unit' | 'faults' | 'e2e' | undefined;

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

async function runSuite(label: string, command: string, args: string[], reportFile: string, read: (report: any) => Tally): Promise<Tally> {
  rmSync(reportFile, { force: true });
  const code = await exited(startLabelled(label, join(root, 'node_modules/.bin', command), args, { cwd: root, env: { ...process.env, FORCE_COLOR: '0' } }));
  if (!existsSync(reportFile)) {
    console.error(`${label}: no report was written (exit code ${code}); counting the suite as one failure`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  const tally = read(JSON.parse(readFileSync(reportFile, 'utf8')));
  // A runner that failed without a failing test (a crashed setup) still fails the run.
  if (code !== 0 && tally.failed === 0) tally.failed = 1;
  return tally;
}

async function main(): Promise<void> {
  const problems = await preflight(parseEnv(process.env));
  if (problems.length > 0) {
    console.error(`Tests need PostgreSQL and Redis:\n  - ${problems.join('\n  - ')}`);
    process.exit(1);
  }
  mkdirSync(results, { recursive: true });
  await generateClient();

  const tallies: Tally[] = [];
  // The production build, once: the CLI's tests (scripts/cli/*.int.test.ts) and the Playwright
  // suite run it. It starts beside lint and the type check: none reads what another writes.
  const build =
    only === 'faults'
      ? Promise.resolve(true)
      : ensureBuilt().then(
          (outcome) => {
            console.log(`web app: ${outcome}`);
            return true;
          },
          (error: unknown) => {
            console.error(`build: FAILED (${error instanceof Error ? error.message : String(error)})`);
            tallies.push({ passed: 0, failed: 1, skipped: 0 });
            return false;
          },
        );
  if (!only) {
    // The boundaries between app/, worker/ and lib/ are a lint rule; types are checked over the whole tree.
    const checks = (
      [
        ['lint', 'eslint', ['.']],
        ['typecheck', 'tsc', ['--noEmit', '-p', '.']],
      ] as const
    ).map(async ([label, command, args]) => {
      const code = await exited(startLabelled(label, join(root, 'node_modules/.bin', command), [...args], { cwd: root }));
      console.log(`${label}: ${code === 0 ? 'ok' : 'FAILED'}`);
      return { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0 };
    });
    tallies.push(...(await Promise.all(checks)));
  }
  const built = await build;
  if (!only || only === 'unit') {
    tallies.push(
      await runSuite('vitest', 'vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${join(results, 'vitest.json')}`], join(results, 'vitest.json'), (report) => ({
        passed: report.numPassedTests,
        failed: report.numFailedTests,
        skipped: report.numPendingTests + report.numTodoTests,
      })),
    );
  }
  if (!only || only === 'faults') {
    tallies.push(
      await runSuite('faults', 'vitest', ['run', '--config', 'vitest.faults.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${join(results, 'faults.json')}`], join(results, 'faults.json'), (report) => ({
        passed: report.numPassedTests,
        failed: report.numFailedTests,
        skipped: report.numPendingTests + report.numTodoTests,
      })),
    );
  }
  if ((!only || only === 'e2e') && built) {
    tallies.push(
      await runSuite('e2e', 'playwright', ['test'], join(results, 'e2e.json'), (report) => ({
        passed: report.stats.expected + report.stats.flaky,
        failed: report.stats.unexpected,
        skipped: report.stats.skipped,
      })),
    );
  }
  const total = tallies.reduce((sum, tally) => ({ passed: sum.passed + tally.passed, failed: sum.failed + tally.failed, skipped: sum.skipped + tally.skipped }));
  console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
  process.exit(total.failed > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
