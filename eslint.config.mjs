// Lint: mostly the boundaries of DESIGN.md, which keep the two processes apart.
//   app/ and components/ never import worker/; worker/ never imports app/ or components/;
//   lib/ never imports next/*, app/, components/ or worker/.
import tseslint from 'typescript-eslint';

const forbid = (groups, message) => ({
  'no-restricted-imports': ['error', { patterns: groups.map((group) => ({ group, message })) }],
});

const jobRunWrites = 'create|createMany|createManyAndReturn|update|updateMany|updateManyAndReturn|upsert|delete|deleteMany';
const runSqlWrite = '/(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+"JobRun"/i';

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
    // One writer of JobRun: every insert, update and delete of a run lives in the run store, with
    // its guard (lib/runs/run-store.ts). Tests and test support may set a scene directly.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['lib/runs/run-store.ts', '**/*.test.ts', 'scripts/test/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: `MemberExpression[object.property.name='jobRun'][property.name=/^(${jobRunWrites})$/]`,
          message: 'JobRun is written only by the run store (lib/runs/run-store.ts): call one of its functions',
        },
        { selector: `TemplateElement[value.raw=${runSqlWrite}]`, message: 'JobRun is written only by the run store (lib/runs/run-store.ts)' },
        { selector: `Literal[value=${runSqlWrite}]`, message: 'JobRun is written only by the run store (lib/runs/run-store.ts)' },
      ],
    },
  },
  {
    files: ['worker/**/*.ts'],
    rules: forbid(
      [['@/app/*', '**/app/*'], ['@/components/*', '**/components/*'], ['next', 'next/*']],
      'the worker never imports the web app',
    ),
  },
);
