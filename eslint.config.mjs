// Lint: mostly the boundaries of DESIGN.md, which keep the two processes apart.
//   app/ and components/ never import worker/; worker/ never imports app/ or components/;
//   lib/ never imports next/*, app/, components/ or worker/.
import tseslint from 'typescript-eslint';

const forbid = (groups, message) => ({
  'no-restricted-imports': ['error', { patterns: groups.map((group) => ({ group, message })) }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', '.next/**', 'generated/**', 'test-results/**', 'next-env.d.ts'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-debugger': 'error',
    },
  },
  {
    files: ['lib/**/*.ts', 'lib/**/*.tsx'],
    rules: forbid(
      [['next', 'next/*'], ['@/app/*', '**/app/*'], ['@/components/*', '**/components/*'], ['@/worker/*', '**/worker/*']],
      'lib/ is shared by the web app and the worker: it must not import next, app/, components/ or worker/',
    ),
  },
  {
    files: ['app/**/*.ts', 'app/**/*.tsx', 'components/**/*.ts', 'components/**/*.tsx'],
    // Tests may set the stage with the worker's pieces (a synced catalog); the app may not.
    ignores: ['**/*.test.ts'],
    rules: forbid([['@/worker/*', '**/worker/*']], 'the web app never imports the worker (it only holds queues)'),
  },
  {
    files: ['worker/**/*.ts'],
    rules: forbid(
      [['@/app/*', '**/app/*'], ['@/components/*', '**/components/*'], ['next', 'next/*']],
      'the worker never imports the web app',
    ),
  },
);
