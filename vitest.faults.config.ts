import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The fault suite: worker processes killed, Redis restarted, PostgreSQL cut, Redis Cluster. One file at a time. */
export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('.', import.meta.url)) } },
  test: {
    include: ['**/*.faults.test.ts'],
    exclude: ['node_modules/**', '.next/**'],
    globalSetup: ['scripts/test/global-setup.ts'],
    setupFiles: ['scripts/test/setup-env.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
