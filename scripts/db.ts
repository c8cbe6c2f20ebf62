/**
 * Database commands that work offline:
 *   tsx scripts/db.ts migrate            create the database if missing, apply migrations
 *   tsx scripts/db.ts migration <name>   write a new migration from the schema change
 *   tsx scripts/db.ts generate [--force] generate the Prisma client
 */
import { parseEnv, EnvError } from '../lib/env.ts';
import { applyMigrations, createMigration, ensureDatabase, generateClient } from './lib/prisma-engine.ts';

async function main(): Promise<void> {
  const [command, argument] = process.argv.slice(2);
  switch (command) {
    case 'migrate': {
      const { DATABASE_URL } = parseEnv(process.env);
      if (await ensureDatabase(DATABASE_URL)) console.log('created the database');
      await applyMigrations(DATABASE_URL);
      return;
    }
    case 'migration': {
      if (!argument) throw new Error('usage: npm run db:migration -- <name>   (for example add_alert_rules)');
      const folder = await createMigration(argument);
      console.log(folder ? `wrote prisma/migrations/${folder}/migration.sql` : 'no schema changes');
      return;
    }
    case 'generate':
      console.log(`prisma client: ${await generateClient({ force: process.argv.includes('--force') })}`);
      return;
    default:
      throw new Error(`unknown command "${command ?? ''}"; use migrate, migration <name> or generate`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof EnvError || error instanceof Error ? error.message : error);
  process.exit(1);
});
