/**
 * The lint rule that keeps every JobRun write in the run store (eslint.config.mjs), run on
 * fixtures: each way a file could write a run is refused outside lib/runs/run-store.ts, and
 * reads are not.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function ruleMessages(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((message) => message.ruleId === 'no-restricted-syntax').map((message) => message.message);
}

const writes = {
  'a Prisma update': "import { db } from '../db.ts';\nexport const f = () => db().jobRun.updateMany({ where: {}, data: {} });\n",
  'a Prisma create in a transaction': 'export const f = (tx: { jobRun: { create(input: object): unknown } }) => tx.jobRun.create({ data: {} });\n',
  'a Prisma delete': "import { db } from '../db.ts';\nexport const f = () => db().jobRun.deleteMany({});\n",
  'raw SQL in a template': "import { db } from '../db.ts';\nexport const f = () => db().$executeRaw`DELETE FROM \"JobRun\" WHERE id = ${1}`;\n",
  'raw SQL in a string': "export const q = 'UPDATE \"JobRun\" SET progress = 1';\n",
};

describe('the one writer of JobRun', () => {
  for (const [what, code] of Object.entries(writes)) {
    it(`refuses ${what} outside the run store, and allows it there`, async () => {
      for (const elsewhere of ['lib/data/runs.ts', 'worker/reconciler.ts', 'app/api/runs/route.ts']) {
        expect(await ruleMessages(code, elsewhere)).toEqual([expect.stringContaining('lib/runs/run-store.ts')]);
      }
      expect(await ruleMessages(code, 'lib/runs/run-store.ts')).toEqual([]);
    });
  }

  it('lets every file read runs', async () => {
    const read = "import { db } from '../db.ts';\nexport const f = () => db().jobRun.findMany({ where: { status: 'failed' } });\n";
    expect(await ruleMessages(read, 'lib/data/runs.ts')).toEqual([]);
  });
});
