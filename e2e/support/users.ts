import pg from 'pg';
import { hashPassword } from '../../lib/auth/password.ts';

/** Creates a user straight in the stack's database (users are managed by admins; this is the test's shortcut). */
export async function createUser(email: string, password: string, role: 'admin' | 'operator' | 'viewer', grants: string[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO "User" (id, email, name, "passwordHash", role, grants, "updatedAt") VALUES (gen_random_uuid(), $1, $1, $2, $3::"Role", $4::jsonb, now())
       ON CONFLICT (email) DO NOTHING`,
      [email, await hashPassword(password), role, JSON.stringify(grants)],
    );
  } finally {
    await client.end();
  }
}
