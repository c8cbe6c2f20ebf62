import { execFileSync } from 'node:child_process';
import { e2eAdmin, e2eApiKey, startStack } from './e2e/support/stack.ts';
const stack = await startStack({ port: 3302 });
try {
  for (const payload of [{ sleepMs: 100, steps: 2 }, { sleepMs: 300, steps: 3 }]) {
    await fetch(`${stack.baseUrl}/api/jobs/probe/trigger`, { method: 'POST', headers: { authorization: `Bearer ${e2eApiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ payload }) });
  }
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/screenshots.ts', stack.baseUrl, 'test-results/screenshots'], {
    stdio: 'inherit',
    env: { ...process.env, KICKOFF_EMAIL: e2eAdmin.email, KICKOFF_PASSWORD: e2eAdmin.password, KICKOFF_PAGES: process.env.KICKOFF_PAGES ?? '/jobs,/jobs/entry-updates,/account' },
  });
} finally {
  await stack.stop();
}
