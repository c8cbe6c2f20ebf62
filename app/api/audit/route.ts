import { readQuery } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { listAudit } from '@/lib/data/audit.ts';
import { auditQuerySchema } from '@/lib/validations/audit.ts';

export const GET = withAuth('audit:read', async ({ request }) => Response.json(await listAudit(readQuery(request, auditQuerySchema))));
